from django.urls import path
from sesame.views import LoginView as LinkLoginView

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-in/email-link/", views.sign_in_link, name="sign-in-link"),
    path("sign-in/email-link/open/", LinkLoginView.as_view(), name="link-open"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("my-involvement/", views.my_involvement, name="my-involvement"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("assist/", views.assist, name="assist"),
    path("assist/stop/", views.assist_stop, name="assist-stop"),
    path("organisation/", views.switch_organisation, name="switch-organisation"),
]
