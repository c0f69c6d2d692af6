from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "coproduce.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        # The register's own sections of a subject access export. Other apps add theirs in
        # their own `ready()` with `coproduce.dataprotection.export.register`.
        from .export import register_register_sections

        register_register_sections()
