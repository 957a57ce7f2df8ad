from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "liaison.directory"
    label = "directory"
    verbose_name = "Expert directory"

    def ready(self) -> None:
        from liaison.directory import policy  # noqa: F401  (registers the rules)
