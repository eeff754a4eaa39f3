from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "投稿与入驻"

    def ready(self):
        # The back office's shared registries: who may process submissions, and the
        # dashboard boxes of what waits for them.
        from articles.newsroom import dashboard, roles
        from submissions import dashboard as case_desk
        from submissions.roles import GRANTS

        roles.register(GRANTS)
        dashboard.register(case_desk.panel)
