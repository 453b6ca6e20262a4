"""The regulators' totals over the ledger."""
