from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "coproduce.surveys"
    label = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        from .hooks import connect

        connect()
