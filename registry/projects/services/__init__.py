"""The verbs of projects and monitoring reports, one module per part of the lifecycle."""
