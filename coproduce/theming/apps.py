from django.apps import AppConfig


class ThemingConfig(AppConfig):
    name = "coproduce.theming"
    label = "theming"
    verbose_name = "Theming free text"
