from django.core.management.base import BaseCommand, CommandError

from articles.content.importer import ImportFormatError, import_stories, parse
from articles.models import Article


class Command(BaseCommand):
    help = "从纯文本页面格式导入文章（以只含“-”的行分隔：标题、正文、日期）。重复导入不会产生重复文章。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="要导入的 UTF-8 文本文件")
        parser.add_argument("--publish", action="store_true", help="导入为已发布（默认为草稿）")
        parser.add_argument("--source", help="来源，例如：北京招商资讯网")

    def handle(self, path, publish, source, **options):
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        except UnicodeDecodeError:
            raise CommandError(f"文件不是 UTF-8 编码：{path}") from None
        try:
            stories, footer = parse(text)
        except ImportFormatError as exc:
            raise CommandError(f"{path} 格式错误，未导入任何内容。{exc}") from None
        status = Article.Status.PUBLISHED if publish else Article.Status.DRAFT
        result = import_stories(stories, status=status, source=source)
        self.stdout.write(
            self.style.SUCCESS(
                f"共 {len(stories)} 篇：新建 {result.created} 篇，更新 {result.updated} 篇，"
                f"未变 {result.unchanged} 篇。"
            )
        )
        if footer:
            self.stdout.write(f"已忽略页面末尾的 {footer} 行页脚内容。")
