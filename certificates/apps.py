from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    label = "certificates"
    verbose_name = "Green electricity certificates"

    def ready(self) -> None:
        from certificates.services.import_jobs import IMPORT_JOB, run_import_job
        from core.jobs import register_handler

        register_handler(IMPORT_JOB, run_import_job)
