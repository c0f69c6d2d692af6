from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "coproduce.events"
    label = "events"
    verbose_name = "Meetings and events"

    def ready(self) -> None:
        from .hooks import connect

        connect()
