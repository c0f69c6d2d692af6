from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "coproduce.payments"
    label = "payments"
    verbose_name = "Involvement payments and expenses"

    def ready(self) -> None:
        from .hooks import connect

        connect()
