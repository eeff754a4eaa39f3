"""Write the views waiting in the cache to the database (for a scheduler, e.g. every minute)."""

from django.core.management.base import BaseCommand, CommandError

from articles.reading import view_counts


class Command(BaseCommand):
    help = "把缓存中待写入的浏览次数写入数据库。"

    def handle(self, *args, **options):
        try:
            written = view_counts.flush()
        except Exception as exc:
            # Views already taken from the cache were put back (see view_counts.flush).
            raise CommandError(f"浏览次数写入失败：{exc}") from exc
        if written is None:
            self.stdout.write("另一个写入正在进行，本次跳过。")
        else:
            self.stdout.write(f"已写入 {written} 次浏览。")
