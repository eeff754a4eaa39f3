"""Publish the scheduled changes to live stories whose time has come (run it every minute)."""

from django.core.management.base import BaseCommand

from articles.newsroom import drafts


class Command(BaseCommand):
    help = "发布已到生效时间的定时修改（已发布文章的未发布修改）。"

    def handle(self, *args, **options):
        count = drafts.publish_due()
        self.stdout.write(f"已发布 {count} 篇文章的定时修改。")
