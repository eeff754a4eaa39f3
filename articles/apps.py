from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "资讯内容"

    def ready(self):
        from articles import signals  # noqa: F401
