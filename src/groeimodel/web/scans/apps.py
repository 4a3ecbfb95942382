from django.apps import AppConfig


class ScansConfig(AppConfig):
    name = "groeimodel.web.scans"
    label = "scans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete, pre_save

        from groeimodel.web.companies.models import Company
        from groeimodel.web.scans import cells

        # The monitor's cells follow a company's sector, size class, province, organisation, archiving, deletion.
        pre_save.connect(cells.company_pre_save, sender=Company, dispatch_uid="monitor-cells-pre-save")
        post_save.connect(cells.company_post_save, sender=Company, dispatch_uid="monitor-cells-post-save")
        pre_delete.connect(cells.company_pre_delete, sender=Company, dispatch_uid="monitor-cells-pre-delete")
