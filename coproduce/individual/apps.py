from django.apps import AppConfig


class IndividualConfig(AppConfig):
    name = "coproduce.individual"
    label = "individual"
    verbose_name = "Individual"
