from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "coproduce.procurement"
    label = "procurement"
    verbose_name = "Procurement evaluation"

    def ready(self) -> None:
        from .hooks import connect

        connect()
