from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "registry.projects"
    label = "projects"
    verbose_name = "Projects and monitoring reports"
