from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("stages", views.StageViewSet, basename="stage")
router.register("plans", views.PlanViewSet, basename="plan")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="api-schema"),
    path("", include(router.urls)),
]
