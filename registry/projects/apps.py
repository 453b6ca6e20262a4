from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "registry.projects"
    label = "projects"
    verbose_name = "Projects and monitoring reports"

    def ready(self) -> None:
        from registry.calendar.services import YEAR_ENTERED
        from registry.projects.services.deadlines import recompute_provisional_deadlines

        if recompute_provisional_deadlines not in YEAR_ENTERED:
            YEAR_ENTERED.append(recompute_provisional_deadlines)
