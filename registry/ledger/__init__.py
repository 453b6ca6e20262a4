"""Issued credits: issuances, serial-range blocks, movements, retirements, reconciliation."""
