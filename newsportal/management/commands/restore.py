from django.core.management.base import BaseCommand, CommandError

from newsportal.backup import archive


class Command(BaseCommand):
    help = (
        "从 manage.py backup 的归档恢复数据库和全部文件，然后按清单核对行数和文件哈希。"
        "只写入空数据库（已有数据时加 --force 覆盖）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份归档，例如 backups/newsportal-2026-11-26T0400.tar.gz")
        parser.add_argument(
            "--force", action="store_true", help="数据库或文件存储不为空时仍然恢复：删除现有的表和同名文件"
        )

    def handle(self, *args, force=False, **options):
        tables_ok, tables, files_ok, files = archive.restore(options["archive"], force=force, say=self.stdout.write)
        summary = f"数据表 {tables_ok}/{tables} 一致，文件 {files_ok}/{files} 一致。"
        if (tables_ok, files_ok) != (tables, files):
            raise CommandError(f"恢复后核对不符：{summary} / Verification failed after the restore.")
        self.stdout.write(self.style.SUCCESS(f"恢复完成：{summary}"))
        self.stdout.write("如果当前代码比备份新，请接着运行 manage.py migrate。")
