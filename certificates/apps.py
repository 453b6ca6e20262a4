from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    label = "certificates"
    verbose_name = "Green electricity certificates"

    def ready(self) -> None:
        from certificates.selectors import claim_is_public
        from certificates.services.import_jobs import IMPORT_JOB, run_import_job
        from core.jobs import register_handler
        from core.transparency import register_public_records

        register_handler(IMPORT_JOB, run_import_job)
        register_public_records("certificates.certificateclaim", claim_is_public)
