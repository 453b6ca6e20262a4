"""The verbs of compute accounting: register data centres, record readings, recompute figures."""
