from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "coproduce.recruitment"
    label = "recruitment"
    verbose_name = "Recruitment"

    def ready(self) -> None:
        from .hooks import connect

        connect()
