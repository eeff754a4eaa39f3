from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from newsportal.backup import archive


class Command(BaseCommand):
    help = (
        "把数据库、公开媒体文件和私有文件备份为一个带日期的归档（newsportal-YYYY-MM-DDTHHMM.tar.gz），"
        "附清单（每张表的行数、每个文件的 SHA-256）。目录为 BACKUP_DIR（默认 ./backups）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", help="备份目录（默认为 BACKUP_DIR）")

    def handle(self, *args, output_dir=None, **options):
        directory = Path(output_dir or settings.BACKUP_DIR)
        path, manifest = archive.create(directory, say=self.stdout.write)
        tables = manifest["database"]["tables"]
        files = sum(len(names) for names in manifest["storages"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{path}（{len(tables)} 张表、{sum(tables.values())} 行，{files} 个文件，"
                f"{path.stat().st_size / 1024 / 1024:.1f} MB）。"
            )
        )
