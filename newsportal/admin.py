"""The staff accounts' admin: Django's own, with its password page's warning in Chinese.

Django 6.1 appends "If disabled, the current password for this user will be lost." to the help
text of AdminPasswordChangeForm as a plain string that no catalogue can translate; the form's
`usable_password_help_text` and UserAdmin's `change_password_form` are the hooks that reach it.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.utils.functional import lazy
from django.utils.html import format_html

from newsportal import task_admin  # noqa: F401  (the task queue's admin, 后台任务 › 任务)


def _usable_password_help():
    return format_html(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        "如果禁用，该用户当前的密码将会失效。",
    )


class StaffPasswordChangeForm(AdminPasswordChangeForm):
    usable_password_help_text = lazy(_usable_password_help, str)()


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    change_password_form = StaffPasswordChangeForm
