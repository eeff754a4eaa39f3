"""Articles in the admin: the list with publication states, the change form and workflow buttons.

Every permission question goes to `articles.newsroom.policy`; every status change to
`articles.newsroom.workflow`. History pages come from `ArticleHistoryMixin`.
"""

import reversion
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone

from articles import search
from articles.admin.attachments import ArticleAttachmentInline
from articles.admin.changes import UnpublishedChangesMixin
from articles.admin.columns import ArticleColumnsMixin
from articles.admin.forms import ArticleAdminForm
from articles.admin.history import ArticleHistoryMixin
from articles.admin.origins import ArticleOriginMixin
from articles.models import Article
from articles.newsroom import drafts, policy, workflow
from articles.newsroom.policy import TRANSITIONS


class StatusFilter(admin.SimpleListFilter):
    title = "发布安排"
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [
            ("scheduled", "定时发布"),
            ("live", "前台可见"),
            ("changes", "已发布，有未发布的修改"),
            ("expiring", "定时下线"),
            ("expired", "已到期下线"),
        ]

    def queryset(self, request, queryset):
        chosen = {
            "scheduled": queryset.scheduled,
            "live": queryset.published,
            "expiring": queryset.expiring,
            "expired": queryset.expired,
        }.get(self.value())
        if self.value() == "changes":
            return queryset.filter(unpublished_changes__isnull=False)
        return chosen() if chosen else queryset


class MineFilter(admin.SimpleListFilter):
    """撰稿人 find their own stories (and drafts) among everyone's."""

    title = "创建人"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "我创建的")]

    def queryset(self, request, queryset):
        return queryset.filter(created_by=request.user) if self.value() == "1" else queryset


def _workflow_action(name, description):
    transition = TRANSITIONS[name]

    def action(modeladmin, request, queryset):
        # A move that needs a comment or a confirmation asks for it on a page of its own first.
        if transition.needs_note or transition.confirm:
            note = request.POST.get("workflow_note", "").strip()
            if "confirmed" not in request.POST or (transition.needs_note and not note):
                return modeladmin.confirm_workflow_action(
                    request, queryset, transition, retry="confirmed" in request.POST
                )
        else:
            note = ""
        done, skipped = workflow.apply_many(queryset, name, request.user, note)
        label = transition.label
        if done:
            modeladmin.message_user(request, f"已{label} {len(done)} 篇文章。", messages.SUCCESS)
        if skipped:
            titles = "、".join(a.title for a in skipped[:5]) + ("等" if len(skipped) > 5 else "")
            modeladmin.message_user(
                request, f"{len(skipped)} 篇文章当前状态不能{label}，未作改动：{titles}", messages.WARNING
            )

    action.__name__ = f"{name}_selected"
    action.short_description = description
    action.allowed_permissions = (name,)
    return action


@admin.register(Article)
class ArticleAdmin(
    ArticleColumnsMixin, UnpublishedChangesMixin, ArticleHistoryMixin, ArticleOriginMixin, admin.ModelAdmin
):
    form = ArticleAdminForm
    inlines = [ArticleAttachmentInline]
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "thumbnail", "title", "status_badge", "region_names", "channel", "publish_time", "flags", "view_count",
    ]  # fmt: skip
    list_display_links = ["thumbnail", "title"]
    list_filter = [
        "status", StatusFilter, MineFilter, "regions", "channel", "industries", "is_headline", "is_pinned", "is_featured",
    ]  # fmt: skip
    list_select_related = ["channel", "cover"]
    search_fields = ["title", "summary", "source", "author"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["regions", "industries", "channel", "responsible_editor", "cover"]
    actions = [
        _workflow_action("submit", "提交审核"),
        _workflow_action("publish", "发布（含定时发布）"),
        _workflow_action("reject", "退回修改"),
        _workflow_action("publish_changes", "发布修改（已发布文章的未发布修改）"),
        _workflow_action("archive", "下线"),
    ]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "summary", "body", "loaded_version"]}),
        ("封面", {"fields": ["cover", "cover_alt"]}),
        ("来源与署名", {"fields": ["source", "author", "responsible_editor", "origin_link"]}),
        ("分类", {"fields": ["channel", "regions", "industries", "tags"]}),
        ("发布", {"fields": ["status", "publish_at", "expire_at", "is_headline", "is_pinned", "is_featured"]}),
        ("流转记录", {"fields": ["transition_log"], "classes": ["collapse"]}),
        (
            "统计",
            {"fields": ["view_count", "created_by", "created_at", "updated_at", "version"], "classes": ["collapse"]},
        ),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/unsaved-changes.js", "js/workflow-confirm.js"]

    # ----- permissions: all from the newsroom policy -----

    def has_change_permission(self, request, obj=None):
        return policy.can_edit(request.user, obj)

    def has_submit_permission(self, request):
        return policy.may_apply(request.user, "submit")

    def has_publish_permission(self, request):
        return policy.may_apply(request.user, "publish")

    def has_reject_permission(self, request):
        return policy.may_apply(request.user, "reject")

    def has_archive_permission(self, request):
        return policy.may_apply(request.user, "archive")

    def has_publish_changes_permission(self, request):
        return policy.may_apply(request.user, "publish_changes")

    def get_fieldsets(self, request, obj=None):
        """The form as declared, plus what only some stories and people get: the go-live time
        of a published story's changes (publishers), and the rendered text when read-only."""
        fieldsets = [(name, {**options, "fields": list(options["fields"])}) for name, options in self.fieldsets]
        publishing = fieldsets[4][1]["fields"]
        if obj is not None and drafts.holds_drafts(obj) and policy.can_publish(request.user):
            publishing.append("changes_go_live_at")
        if not policy.can_publish(request.user):
            publishing[publishing.index("publish_at")] = "publish_time"
        if obj is not None and not self.has_change_permission(request, obj):
            main = fieldsets[0][1]["fields"]
            main[main.index("body")] = "rendered_body"
            main.remove("loaded_version")
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = ["status", "transition_log", "view_count", "created_by", "created_at", "updated_at", "version"]
        fields += ["publish_time", "rendered_body", "origin_link"]
        if not policy.can_publish(request.user):
            fields += policy.PUBLISHING_FIELDS
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("regions")

    def get_search_results(self, request, queryset, search_term):
        """The readers' search engine (segmentation, synonyms, aliases), drafts included,
        plus the source and author fields that are not part of the search document."""
        term = search_term.replace("\x00", "").strip()  # PostgreSQL refuses NUL in text
        if not term:
            return queryset, False
        matches = search.search(queryset, term).values("pk")
        found = queryset.filter(Q(pk__in=matches) | Q(source__icontains=term) | Q(author__icontains=term))
        return found, False

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form, knowing the workflow button pressed; a button the user may not press is 403."""
        form = super().get_form(request, obj, change=change, **kwargs)
        name = (request.POST.get("_transition") if request.method == "POST" else None) or None
        if name and not policy.may_apply(request.user, name, obj):
            raise PermissionDenied("您没有执行此操作的权限。")
        return type(form.__name__, (form,), {"transition": name})

    # ----- saving: one revision, one save, the workflow move included -----

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        article = obj or Article(created_by=request.user)
        can_save = add or self.has_change_permission(request, obj)
        context["transitions"] = policy.available(request.user, article) if can_save else []
        context["needs_note"] = any(t.needs_note for t in context["transitions"])
        context.update(self.changes_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if self._keeps_as_draft(obj, form):
            # A published story: readers keep the published version until these are published.
            go_live_at = form.cleaned_data.get("changes_go_live_at")
            drafts.save(obj, drafts.from_form(form), request.user, go_live_at=go_live_at)
            form.kept_as_draft = True
            self.message_user(request, _draft_message(obj, go_live_at), messages.SUCCESS)
            request.article_kept_as_draft = True  # Django's own "修改成功" would say it is live
            return
        if not form.transition:
            super().save_model(request, obj, form, change)
            reversion.set_comment("修改" if change else "新建")
            return
        # The form checked the move on the row it holds locked; the edits ride along.
        note = form.cleaned_data.get("workflow_note", "")
        workflow.apply(obj, form.transition, request.user, note, checked=True)
        self.message_user(request, _transition_message(obj, form.transition), messages.SUCCESS)

    @staticmethod
    def _keeps_as_draft(obj, form):
        """Do this save's edits wait as unpublished changes rather than reach the live story?"""
        if not drafts.holds_drafts(obj) or form.transition == "archive":
            return False
        return form.transition != "publish_changes" or form.cleaned_data.get("changes_go_live_at") is not None

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "article_kept_as_draft", False) and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)

    def save_related(self, request, form, formsets, change):
        if getattr(form, "kept_as_draft", False):
            # Regions, industries and tags wait in the unpublished changes too; the inlines
            # (attachments) are not saved, and the change message must not list them.
            for formset in formsets:
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)

    def confirm_workflow_action(self, request, queryset, transition, retry=False):
        """The page a bulk 退回修改 (comment) or 下线 (confirmation) goes through first."""
        if retry and transition.needs_note:
            self.message_user(request, f"{transition.label}时请填写审核意见。", messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{transition.label}：确认",
            "transition": transition,
            "articles": queryset,
            "action": request.POST.get("action", ""),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/articles/article/workflow_confirm.html", context)

    def changelist_view(self, request, extra_context=None):
        # A crafted POST naming a workflow action the user may not run is refused outright.
        action = request.POST.get("action", "") if request.method == "POST" else ""
        name = action.removesuffix("_selected")
        if name in TRANSITIONS and not policy.may_apply(request.user, name):
            raise PermissionDenied("您没有执行此操作的权限。")
        return super().changelist_view(request, extra_context)


def _draft_message(article, go_live_at):
    if go_live_at is not None:
        return (
            f"修改已保存，将于 {timezone.localtime(go_live_at):%Y-%m-%d %H:%M} 自动发布；在此之前前台仍显示当前版本。"
        )
    return f"修改已保存为未发布的修改：前台仍显示“{article.title}”已发布的版本，点击“发布修改”后生效。"


def _transition_message(article, name):
    if name == "publish" and article.is_scheduled:
        return f"“{article.title}”已定时发布，将于 {timezone.localtime(article.publish_at):%Y-%m-%d %H:%M} 上线。"
    return f"“{article.title}”已{TRANSITIONS[name].label}。"
