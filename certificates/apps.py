from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    label = "certificates"
    verbose_name = "Green electricity certificates"
