import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "创建或复用本地管理员账号，并打印用户名和密码（仅用于开发环境）。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--credentials-file",
            default=str(settings.BASE_DIR / ".local" / "admin-password"),
            help="保存本地管理员密码的文件（不纳入版本库）",
        )

    def handle(self, username, credentials_file, **options):
        from pathlib import Path

        path = Path(credentials_file)
        user = get_user_model().objects.filter(username=username).first()
        password = path.read_text().strip() if path.exists() else ""
        if user is None or not password or not user.check_password(password):
            password = secrets.token_urlsafe(12)
            if user is None:
                user = get_user_model().objects.create_superuser(username=username, email="", password=password)
            else:
                user.set_password(password)
                user.is_active = user.is_staff = user.is_superuser = True
                user.save()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(password + "\n")
            path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"管理后台账号 —— 用户名：{username}  密码：{password}"))
