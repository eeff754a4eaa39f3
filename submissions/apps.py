from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "投稿与入驻"

    def ready(self):
        # The back office's shared registries: who may process submissions, the
        # dashboard boxes of what waits for them, and the case a draft was converted from.
        from articles.admin import origins
        from articles.newsroom import dashboard, roles
        from submissions import dashboard as case_desk
        from submissions import services
        from submissions.roles import GRANTS

        roles.register(GRANTS)
        dashboard.register(case_desk.panel)
        origins.register(services.converted_from)
