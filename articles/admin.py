"""The newsroom: articles with workflow, revisions and previews; the image library; topics.

The admin only parses requests and calls the rules: `articles.workflow` for status changes
and permissions, `articles.revisions` for history and restore, `articles.images` for uploads
and `articles.preview` for previews.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget, prose_editor_admin_media
from js_asset import Media, Script
from reversion.models import Version

from articles import images, preview, revisions, search, workflow
from articles.models import Article, Channel, Image, Industry, Region, Topic, TopicEntry

Status = Article.Status


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "aliases", "show_on_home", "order"]
    list_editable = ["show_on_home", "order"]
    list_filter = ["kind", "show_on_home"]
    list_select_related = ["parent"]
    search_fields = ["name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


# ---------- the rich-text editor ----------

# What the editor offers; the model's nh3 allowlist (articles.richtext) stays the authority.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Figure": {"pickerUrl": reverse_lazy("admin:articles_image_picker")},
    "Image": True,
    "Caption": True,
    "History": True,
}


class NewsroomEditorWidget(AdminProseEditorWidget):
    """django-prose-editor with our own preset module.

    The stock presets let Tiptap inject a <style> element, which the site's strict CSP
    (style-src 'self') refuses; ours turns that off and ships the same rules as a file.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("preset", "newsroom")
        super().__init__(*args, **kwargs)

    @property
    def media(self):
        return prose_editor_admin_media + Media(
            css={"all": ["css/admin-editor.css"]},
            js=[
                Script("django_prose_editor/editor.js", type="module"),
                Script("js/admin-editor.js", type="module"),
            ],
        )


# ---------- articles ----------


class ArticleAdminForm(forms.ModelForm):
    body = ProseEditorFormField(
        label="正文", extensions=EDITOR_EXTENSIONS, preset="newsroom", widget=NewsroomEditorWidget
    )
    # The version the editor loaded: a save based on an older one is refused (see clean()).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set by ArticleAdmin.get_form: the request's user and the workflow button pressed, if any.
    user = None
    transition = None

    class Meta:
        model = Article
        fields = [
            "title", "subtitle", "summary", "body", "cover", "cover_alt", "source", "author", "responsible_editor",
            "channel", "regions", "industries", "tags", "publish_at", "expire_at", "is_headline", "is_pinned",
            "is_featured",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        if "source" in self.fields:
            self.fields["source"].required = True
            self.fields["source"].error_messages["required"] = "请填写来源。"

    def clean_source(self):
        source = (self.cleaned_data.get("source") or "").strip()
        if not source:
            raise ValidationError("请填写来源。")
        return source

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_stale_save(cleaned.get("loaded_version"))
        if self.transition:
            transition = workflow.TRANSITIONS[self.transition]
            if self.instance.status not in transition.sources:
                raise ValidationError(
                    f"文章当前状态为“{self.instance.get_status_display()}”，不能{transition.label}。", code="transition"
                )
        publish_at = cleaned.get("publish_at") or self.instance.publish_at
        expire_at = cleaned.get("expire_at", self.instance.expire_at)
        if expire_at and publish_at and expire_at <= publish_at:
            self.add_error("expire_at", "下线时间必须晚于发布时间。")
        cover = cleaned.get("cover")
        if cover is not None and not ((cleaned.get("cover_alt") or "").strip() or cover.alt_text.strip()):
            self.add_error("cover_alt", "请填写封面图说明（替代文本）。")
        return cleaned

    def _refuse_stale_save(self, loaded):
        # Inside the admin's transaction: on PostgreSQL the row stays locked until the save.
        current = (
            Article.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        if loaded is None or current is None or loaded == current:
            return
        latest = revisions.history(self.instance).first()
        who = ""
        if latest is not None and latest.revision.user is not None:
            user = latest.revision.user
            when = timezone.localtime(latest.revision.date_created)
            who = f"（{user.get_full_name() or user.username} 于 {when:%Y-%m-%d %H:%M}）"
        raise ValidationError(
            f"保存被拒绝：您打开此页面后，这篇文章已被他人修改{who}。为避免覆盖对方的修改，本次未保存。"
            "您输入的内容仍保留在下方：请先复制需要的内容，再重新打开文章，在最新版本上修改。",
            code="stale",
        )


class StatusFilter(admin.SimpleListFilter):
    title = "发布安排"
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [("scheduled", "定时发布"), ("live", "前台可见"), ("expiring", "定时下线"), ("expired", "已到期下线")]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Status.PUBLISHED)
        if self.value() == "scheduled":
            return published.filter(publish_at__gt=now)
        if self.value() == "live":
            return queryset.filter(pk__in=Article.objects.published(now).values("pk"))
        if self.value() == "expiring":
            return published.filter(expire_at__gt=now)
        if self.value() == "expired":
            return published.filter(expire_at__lte=now)
        return queryset


def _workflow_action(name, description):
    def action(modeladmin, request, queryset):
        done, skipped = workflow.apply_many(queryset, name, request.user)
        label = workflow.TRANSITIONS[name].label
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
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "thumbnail", "title", "status_badge", "region_names", "channel", "publish_at", "flags", "view_count",
    ]  # fmt: skip
    list_display_links = ["thumbnail", "title"]
    list_filter = [
        "status", StatusFilter, "regions", "channel", "industries", "is_headline", "is_pinned", "is_featured",
    ]  # fmt: skip
    list_select_related = ["channel", "cover"]
    search_fields = ["title", "summary", "source", "author"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["regions", "industries", "channel", "responsible_editor", "cover"]
    actions = [
        _workflow_action("submit", "提交审核"),
        _workflow_action("publish", "发布（含定时发布）"),
        _workflow_action("reject", "退回修改"),
        _workflow_action("archive", "下线"),
    ]
    # Fields only editors (publish permission) may set; status moves only through the workflow.
    EDITOR_FIELDS = ["publish_at", "expire_at", "responsible_editor", "is_headline", "is_pinned", "is_featured"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "summary", "body", "loaded_version"]}),
        ("封面", {"fields": ["cover", "cover_alt"]}),
        ("来源与署名", {"fields": ["source", "author", "responsible_editor"]}),
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

    # ----- permissions -----

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or workflow.can_edit_others(request.user):
            return True
        # A 撰稿人 edits only their own drafts; after submitting, the editors take over.
        return obj.created_by_id == request.user.pk and obj.status == Status.DRAFT

    def has_submit_permission(self, request):
        return workflow.has_permission(request.user, "submit")

    def has_publish_permission(self, request):
        return workflow.has_permission(request.user, "publish")

    def has_reject_permission(self, request):
        return workflow.has_permission(request.user, "reject")

    def has_archive_permission(self, request):
        return workflow.has_permission(request.user, "archive")

    def get_readonly_fields(self, request, obj=None):
        fields = ["status", "transition_log", "view_count", "created_by", "created_at", "updated_at", "version"]
        if not request.user.has_perm("articles.publish_article"):
            fields += self.EDITOR_FIELDS
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
        form = super().get_form(request, obj, change=change, **kwargs)
        transition = request.POST.get("_transition") if request.method == "POST" else None
        return type(form.__name__, (form,), {"user": request.user, "transition": transition or None})

    # ----- list columns -----

    @admin.display(description="图")
    def thumbnail(self, obj):
        if obj.cover_id:
            return format_html(
                '<img class="admin-thumb" src="{}" alt="" width="64" height="40" loading="lazy">',
                images.thumbnail_url(obj.cover),
            )
        if obj.cover_image:
            return format_html(
                '<img class="admin-thumb" src="{}" alt="" width="64" height="40" loading="lazy">', obj.cover_image.url
            )
        return mark_safe('<span class="admin-thumb admin-thumb-empty" aria-hidden="true"></span>')

    @admin.display(description="状态", ordering="status")
    def status_badge(self, obj):
        label, css = obj.get_status_display(), obj.status
        if obj.is_scheduled:
            label, css = f"定时发布 {timezone.localtime(obj.publish_at):%m-%d %H:%M}", "scheduled"
        elif obj.is_expired:
            label, css = "已到期下线", "expired"
        badge = format_html('<span class="status-badge status-{}">{}</span>', css, label)
        if obj.status == Status.PUBLISHED and obj.expire_at and not obj.is_expired:
            badge += format_html(
                '<br><small class="status-note">定时下线 {}</small>', f"{timezone.localtime(obj.expire_at):%m-%d %H:%M}"
            )
        return badge

    @admin.display(description="流转记录")
    def transition_log(self, obj):
        rows = obj.transitions.select_related("user")[:50] if obj and obj.pk else []
        if not rows:
            return "—"
        items = format_html_join(
            "",
            "<li>{} {} {} → {}</li>",
            (
                (
                    f"{timezone.localtime(t.at):%Y-%m-%d %H:%M}",
                    (t.user.get_full_name() or t.user.username) if t.user else "—",
                    t.get_from_status_display(),
                    t.get_to_status_display(),
                )
                for t in rows
            ),
        )
        return format_html('<ul class="transition-log">{}</ul>', items)

    @admin.display(description="区域")
    def region_names(self, obj):
        return "、".join(r.name for r in obj.regions.all()) or "—"

    @admin.display(description="标记")
    def flags(self, obj):
        names = [n for n, on in (("头条", obj.is_headline), ("置顶", obj.is_pinned), ("推荐", obj.is_featured)) if on]
        return " ".join(names) or "—"

    # ----- saving: revisions, stale saves, workflow buttons -----

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        name = request.POST.get("_transition") if request.method == "POST" else None
        if name:
            obj = self.get_object(request, unquote(object_id)) if object_id else None
            if name not in workflow.TRANSITIONS or not workflow.has_permission(request.user, name, obj):
                raise PermissionDenied("您没有执行此操作的权限。")
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        article = obj or Article(created_by=request.user)
        can_save = add or self.has_change_permission(request, obj)
        context["transitions"] = workflow.available(request.user, article) if can_save else []
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        reversion.set_comment("修改" if change else "新建")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.transition:
            obj = form.instance
            try:
                done = workflow.apply(obj, form.transition, request.user)
            except workflow.TransitionNotAllowed as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return
            obj.status, obj.publish_at, obj.responsible_editor_id = (
                done.status,
                done.publish_at,
                done.responsible_editor_id,
            )
            obj.version = done.version
            self.message_user(request, _transition_message(done, form.transition), messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        # A crafted POST naming a workflow action the user may not run is refused outright.
        action = request.POST.get("action", "") if request.method == "POST" else ""
        name = action.removesuffix("_selected")
        if name in workflow.TRANSITIONS and not workflow.has_permission(request.user, name):
            raise PermissionDenied("您没有执行此操作的权限。")
        return super().changelist_view(request, extra_context)

    # ----- extra pages: preview, revisions -----

    def get_urls(self):
        def view(fn):
            return self.admin_site.admin_view(fn)

        return [
            path("<path:object_id>/preview/", view(self.preview_view), name="articles_article_preview"),
            path("<path:object_id>/revisions/", view(self.revisions_view), name="articles_article_revisions"),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.compare_view),
                name="articles_article_revisions_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                view(self.restore_view),
                name="articles_article_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _article_or_403(self, request, object_id):
        article = get_object_or_404(Article, pk=unquote(object_id))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def preview_view(self, request, object_id):
        article = self._article_or_403(request, object_id)
        return preview.staff_preview(request, article.pk)

    def revisions_view(self, request, object_id):
        article = self._article_or_403(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"版本历史：{article.title}",
            "article": article,
            "versions": revisions.history(article),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def compare_view(self, request, object_id):
        article = self._article_or_403(request, object_id)
        versions = revisions.history(article)
        try:
            older = versions.get(pk=int(request.GET.get("from", "")))
            newer = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist):
            self.message_user(request, "请选择这篇文章的两个版本进行比较。", messages.ERROR)
            return redirect("admin:articles_article_revisions", article.pk)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"版本比较：{article.title}",
            "article": article,
            "older": older,
            "newer": newer,
            "diffs": revisions.compare(older, newer),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", context)

    def restore_view(self, request, object_id, version_id):
        article = self._article_or_403(request, object_id)
        if request.method != "POST" or not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(revisions.history(article), pk=version_id)
        revisions.restore(article, version, request.user)
        when = timezone.localtime(version.revision.date_created)
        self.message_user(request, f"已恢复到 {when:%Y-%m-%d %H:%M} 的版本（已另存为新版本）。", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))


def _transition_message(article, name):
    if name == "publish" and article.is_scheduled:
        return f"“{article.title}”已定时发布，将于 {timezone.localtime(article.publish_at):%Y-%m-%d %H:%M} 上线。"
    return f"“{article.title}”已{workflow.TRANSITIONS[name].label}。"


# ---------- image library ----------


class ImageAdminForm(forms.ModelForm):
    # A plain file field: every check (content type, size, pixels) is ours, with our messages.
    file = forms.FileField(
        label="图片文件",
        help_text="JPEG、PNG、WebP 或 GIF；上传后自动去除 EXIF 信息并生成多种尺寸。",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded is None or not hasattr(uploaded, "size") or getattr(uploaded, "_committed", False):
            return uploaded  # unchanged
        return images.clean_upload(uploaded)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt_text"].error_messages["required"] = "请填写图片说明（替代文本）。"

    def clean_alt_text(self):
        alt = (self.cleaned_data.get("alt_text") or "").strip()
        if not alt:
            raise ValidationError("请填写图片说明（替代文本）。")
        return alt


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["thumbnail", "alt_text", "dimensions", "rendition_count", "uploaded_by", "uploaded_at"]
    list_display_links = ["thumbnail", "alt_text"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "dimensions", "renditions_list", "uploaded_by", "uploaded_at"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "alt_text", "caption", "credit"]
        # The file itself never changes: its renditions are made once.
        return ["preview", "alt_text", "caption", "credit", "dimensions", "renditions_list", "uploaded_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="图")
    def thumbnail(self, obj):
        return format_html(
            '<img class="admin-thumb" src="{}" alt="" width="64" height="40" loading="lazy">',
            images.thumbnail_url(obj),
        )

    @admin.display(description="预览")
    def preview(self, obj):
        return mark_safe(images.img_tag(obj, obj.alt_text, "320px", css_class="admin-preview"))

    @admin.display(description="尺寸")
    def dimensions(self, obj):
        return f"{obj.width}×{obj.height}"

    @admin.display(description="缩放版本")
    def rendition_count(self, obj):
        return len(obj.renditions) or "生成中"

    @admin.display(description="缩放版本（WebP）")
    def renditions_list(self, obj):
        return ", ".join(f"{r['width']}px" for r in obj.renditions) or "生成中"

    def get_urls(self):
        return [
            path("picker/", self.admin_site.admin_view(self.picker_view), name="articles_image_picker"),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        """The editor's "Browse…" popup: choose a library image, or upload one first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        func = request.GET.get("CKEditorFuncNum", "")
        if not func.lstrip("-").isdigit():
            func = ""
        form = None
        if self.has_add_permission(request):
            form = ImageAdminForm(request.POST or None, request.FILES or None)
            if request.method == "POST" and form.is_valid():
                image = form.save(commit=False)
                image.uploaded_by = request.user
                image.save()
                return redirect(f"{reverse('admin:articles_image_picker')}?CKEditorFuncNum={func}&new={image.pk}")
        elif request.method == "POST":
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:100]
        library = Image.objects.all()
        if query:
            library = library.filter(Q(alt_text__icontains=query) | Q(caption__icontains=query))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "选择图片",
            "is_popup": True,
            "images": [(image, images.thumbnail_url(image)) for image in library[:60]],
            "func": func,
            "query": query,
            "form": form,
            "new_id": request.GET.get("new", ""),
        }
        return TemplateResponse(request, "admin/articles/image/picker.html", context)


# ---------- topics ----------


class TopicEntryInline(admin.TabularInline):
    model = TopicEntry
    autocomplete_fields = ["article"]
    fields = ["order", "article"]
    extra = 1


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "article_count", "order", "updated_at"]
    list_editable = ["is_published", "order"]
    list_filter = ["is_published"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["cover"]
    inlines = [TopicEntryInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description="文章数", ordering="entry_count")
    def article_count(self, obj):
        return obj.entry_count
