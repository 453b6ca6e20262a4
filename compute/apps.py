from django.apps import AppConfig


class ComputeConfig(AppConfig):
    name = "compute"
    label = "compute"
    verbose_name = "Compute accounting"

    def ready(self) -> None:
        from certificates.consumers import register_data_centre_lookup
        from compute.claims import own_data_centre_name
        from compute.services.recompute import recompute_for_factor
        from compute.services.upload_jobs import UPLOAD_JOB, run_upload_job
        from core.jobs import register_handler
        from methodologies.services import FACTOR_ADDED

        register_handler(UPLOAD_JOB, run_upload_job)
        register_data_centre_lookup(own_data_centre_name)

        # Figures made with a stand-in factor are recomputed in the transaction that adds the
        # factor of their year (methodologies, below compute, imports none of it).
        if recompute_for_factor not in FACTOR_ADDED:
            FACTOR_ADDED.append(recompute_for_factor)
