import secrets
from pathlib import Path

from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

# Demo staff for trying each back-office role: (username, display name, group).
DEMO_STAFF = [
    ("writer", "演示撰稿人", "撰稿人"),
    ("editor", "演示编辑", "编辑"),
    ("chief", "演示总编辑", "总编辑"),
    ("officer", "演示招商专员", "招商专员"),
]


class Command(BaseCommand):
    help = "创建或复用本地管理员账号（及可选的各角色演示账号），并打印用户名和密码（仅用于开发环境）。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--credentials-dir",
            default=str(settings.BASE_DIR / ".local"),
            help="保存本地账号密码的目录（不纳入版本库）",
        )
        parser.add_argument("--demo-staff", action="store_true", help="同时创建撰稿人、编辑、总编辑、招商专员演示账号")

    def handle(self, username, credentials_dir, demo_staff, **options):
        folder = Path(credentials_dir)
        password = self._ensure(folder, username, superuser=True)
        self.stdout.write(self.style.SUCCESS(f"管理后台账号 —— 用户名：{username}  密码：{password}"))
        if not demo_staff:
            return
        for name, display, group_name in DEMO_STAFF:
            group = Group.objects.filter(name=group_name).first()
            if group is None:
                continue
            password = self._ensure(folder, name, first_name=display, group=group)
            self.stdout.write(f"  {group_name}演示账号 —— 用户名：{name}  密码：{password}")

    def _ensure(self, folder, username, superuser=False, first_name="", group=None):
        """The user with a working password, reusing the one saved in `folder` when it still works."""
        # The login printed must work at once, even after mistyped attempts locked it out.
        reset_lockout(username=username)
        path = folder / ("admin-password" if superuser else f"{username}-password")
        saved = path.read_text().strip() if path.exists() else ""
        user = get_user_model().objects.filter(username=username).first()
        if user is not None and saved and user.check_password(saved):
            return saved
        password = secrets.token_urlsafe(12)
        if user is None:
            user = get_user_model()(username=username, first_name=first_name)
        user.set_password(password)
        user.is_active = user.is_staff = True
        user.is_superuser = superuser
        user.save()
        if group is not None:
            user.groups.add(group)
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(password + "\n")
        path.chmod(0o600)
        return password
