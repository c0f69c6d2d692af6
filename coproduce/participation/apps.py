from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "coproduce.participation"
    label = "participation"
    verbose_name = "Participation"

    def ready(self) -> None:
        from coproduce.procurement.services import BID_READING_CONDITIONS

        from .services import panel_member_has_agreed

        if panel_member_has_agreed not in BID_READING_CONDITIONS:
            BID_READING_CONDITIONS.append(panel_member_has_agreed)
