"""Tags in the admin: taggit's tag admin, with its merge action guarded and in Chinese.

taggit's own merge action and page check no permission (anyone who may see tags could merge
them across every story) and trust the ids kept in the session. Here merging needs the
change permission, works on the ids chosen in the list, and the merged stories' search
documents are rebuilt, since tags are part of them.
"""

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from taggit.admin import TagAdmin
from taggit.forms import MergeTagsForm
from taggit.models import Tag, TaggedItem

from articles.models import Article
from articles.search.signals import reindex_after_commit

_SALT = "articles.admin.merge-tags"


class MergeForm(MergeTagsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["new_tag_name"]
        field.label, field.help_text = "合并后的标签名", "填写新的标签名，或已有的标签名。"
        field.error_messages.update(required="请填写合并后的标签名。", max_length="标签名不能超过 100 个字。")


def merge(tags, name):
    """Move every item tagged with `tags` to the tag called `name` (made if new); return it."""
    with transaction.atomic():
        target, _ = Tag.objects.get_or_create(name=name)
        tagged = set(TaggedItem.objects.filter(tag=target).values_list("content_type_id", "object_id"))
        articles = set()
        for item in TaggedItem.objects.filter(tag__in=tags).exclude(tag=target).select_for_update():
            key = (item.content_type_id, item.object_id)
            if key in tagged:  # it carries the target tag already
                item.delete()
            else:
                item.tag = target
                item.save(update_fields=["tag"])
                tagged.add(key)
            if item.content_type_id == ContentType.objects.get_for_model(Article).pk:
                articles.add(item.object_id)
        reindex_after_commit(articles)
    return target


admin.site.unregister(Tag)


@admin.register(Tag)
class NewsroomTagAdmin(TagAdmin):
    actions = ["merge_selected"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.merge_tags_view)
        return [path("merge-tags/", view, name="taggit_tag_merge_tags"), *admin.ModelAdmin.get_urls(self)]

    @admin.action(description="合并所选标签", permissions=["change"])
    def merge_selected(self, request, queryset):
        token = signing.dumps(sorted(queryset.values_list("pk", flat=True)), salt=_SALT)
        return redirect(f"{reverse('admin:taggit_tag_merge_tags')}?tags={token}")

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        token = request.GET.get("tags", "")
        try:
            tags = list(Tag.objects.filter(pk__in=signing.loads(token, salt=_SALT, max_age=3600)))
        except (signing.BadSignature, TypeError, ValueError):
            tags = []
        if not tags:
            self.message_user(request, "请先在标签列表中勾选要合并的标签。", messages.WARNING)
            return redirect("admin:taggit_tag_changelist")
        form = MergeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            target = merge(tags, form.cleaned_data["new_tag_name"].strip())
            self.message_user(request, f"已将 {len(tags)} 个标签合并为“{target.name}”。", messages.SUCCESS)
            return redirect("admin:taggit_tag_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "合并标签",
            "form": form,
            "tags": tags,
        }
        return TemplateResponse(request, "admin/taggit/merge_tags_form.html", context)
