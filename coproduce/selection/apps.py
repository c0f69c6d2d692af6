from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "coproduce.selection"
    label = "selection"
    verbose_name = "Fair selection"
