from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "registry.ledger"
    label = "ledger"
    verbose_name = "Credit ledger"

    def ready(self) -> None:
        from core.transparency import register_public_records
        from registry.ledger.selectors import movement_is_public

        register_public_records("ledger.movement", movement_is_public)
