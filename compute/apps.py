from django.apps import AppConfig


class ComputeConfig(AppConfig):
    name = "compute"
    label = "compute"
    verbose_name = "Compute accounting"

    def ready(self) -> None:
        from compute.services.recompute import recompute_for_factor
        from methodologies.services import FACTOR_ADDED

        # Figures made with a stand-in factor are recomputed in the transaction that adds the
        # factor of their year (methodologies, below compute, imports none of it).
        if recompute_for_factor not in FACTOR_ADDED:
            FACTOR_ADDED.append(recompute_for_factor)
