from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.newsroom import roles


class Command(BaseCommand):
    help = (
        "比较各后台角色（用户组）与代码中的权限定义：列出将要补充的权限和管理员额外添加的权限。"
        "加 --apply 才会实际补充缺少的权限；加 --remove-extra 同时移除定义之外的权限。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="补充缺少的用户组和权限")
        parser.add_argument("--remove-extra", action="store_true", help="与 --apply 一起使用：移除定义之外的权限")

    def handle(self, apply, remove_extra, **options):
        diffs = roles.compare(Group, Permission)
        changes = False
        for diff in diffs:
            self.stdout.write(f"{diff.role}：" + ("" if diff.exists else "用户组不存在，将创建"))
            for perm in diff.missing:
                self.stdout.write(f"  + {perm}（定义中有，用户组缺少）")
            for perm in diff.extra:
                action = "将移除" if remove_extra else "保留"
                self.stdout.write(f"  ~ {perm}（定义之外，{action}）")
            for perm in diff.unknown:
                self.stdout.write(f"  ? {perm}（数据库中没有这个权限，请先运行 migrate）")
            if diff.in_sync and not (remove_extra and diff.extra):
                self.stdout.write("  与定义一致")
            changes |= not diff.in_sync or (remove_extra and bool(diff.extra))
        if not changes:
            self.stdout.write(self.style.SUCCESS("所有角色都与定义一致，无需改动。"))
        elif not apply:
            self.stdout.write(self.style.WARNING("以上为预览，未作改动。确认后运行 manage.py sync_roles --apply。"))
        else:
            with transaction.atomic():
                roles.apply(diffs, Group, Permission, remove_extra=remove_extra)
            self.stdout.write(self.style.SUCCESS("已按定义更新角色权限。"))
