"""The verbs of the ledger: issuance, movements, and idempotent calls."""
