from django.core.management.base import BaseCommand, CommandError

from articles.media import usage


class Command(BaseCommand):
    help = "重新统计图片库中每张图片被哪些文章使用（封面和正文，含未发布的修改）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批处理的文章数（默认 500）。")

    def handle(self, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 必须是正整数。")
        done = usage.refresh_all(chunk_size=batch_size)
        self.stdout.write(self.style.SUCCESS(f"已重新统计 {done} 篇文章的图片使用情况。"))
