from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "coproduce.review"
    label = "review"
    verbose_name = "Review"
