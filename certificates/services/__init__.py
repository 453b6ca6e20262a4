"""The verbs of green certificates: import, claim, expire."""
