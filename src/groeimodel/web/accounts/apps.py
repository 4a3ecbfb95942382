from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "groeimodel.web.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_migrate, post_save

        from groeimodel.web.accounts import sessions

        post_save.connect(sessions.end_sessions_of_deactivated_user, sender=settings.AUTH_USER_MODEL)
        post_migrate.connect(sessions.make_cache_table, sender=self)
