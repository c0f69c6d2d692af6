from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "coproduce.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from .services import connect_audited_models

        connect_audited_models()
