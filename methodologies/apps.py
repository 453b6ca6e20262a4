from django.apps import AppConfig


class MethodologiesConfig(AppConfig):
    name = "methodologies"
    verbose_name = "Methodology library"
