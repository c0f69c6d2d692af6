from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "coproduce.awards"
    label = "awards"
    verbose_name = "Contract awards"
