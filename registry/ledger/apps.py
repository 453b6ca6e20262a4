from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "registry.ledger"
    label = "ledger"
    verbose_name = "Credit ledger"
