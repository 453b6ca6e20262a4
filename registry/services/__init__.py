"""The verbs of the registry. Each module holds the services of one part of the lifecycle."""
