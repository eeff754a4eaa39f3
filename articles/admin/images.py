"""The media library in the admin, and the editor's image picker."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles.media import html as media_html
from articles.media import library, usage
from articles.models import Image, Topic


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
        return library.clean_upload(uploaded)

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
    list_display = [
        "thumbnail", "alt_text", "dimensions", "rendition_count", "story_count", "uploaded_by", "uploaded_at",
    ]  # fmt: skip
    list_display_links = ["thumbnail", "alt_text"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "dimensions", "renditions_list", "uploaded_by", "uploaded_at", "used_in"]
    delete_confirmation_template = "admin/articles/image/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/articles/image/delete_selected_confirmation.html"

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/unsaved-changes.js"]

    def get_queryset(self, request):
        return usage.with_story_count(super().get_queryset(request))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "alt_text", "caption", "credit"]
        # The file itself never changes: its renditions are made once.
        return ["preview", "alt_text", "caption", "credit", "used_in", "dimensions", "renditions_list", "uploaded_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="图")
    def thumbnail(self, obj):
        return format_html(
            '<img class="admin-thumb" src="{}" alt="" width="64" height="40" loading="lazy">',
            media_html.thumbnail_url(obj),
        )

    @admin.display(description="预览")
    def preview(self, obj):
        return mark_safe(media_html.img_tag(obj, obj.alt_text, "320px", css_class="admin-preview"))

    @admin.display(description="尺寸")
    def dimensions(self, obj):
        return f"{obj.width}×{obj.height}"

    @admin.display(description="缩放版本")
    def rendition_count(self, obj):
        return len(obj.renditions) or "生成中"

    @admin.display(description="缩放版本（WebP）")
    def renditions_list(self, obj):
        return ", ".join(f"{r['width']}px" for r in obj.renditions) or "生成中"

    # ----- where the image is used: shown in the list and on its page, and it blocks deletion -----

    @admin.display(description="使用情况", ordering="story_count")
    def story_count(self, obj):
        return f"已用于 {obj.story_count} 篇文章" if obj.story_count else "未使用"

    @admin.display(description="使用情况")
    def used_in(self, obj):
        uses = usage.stories_using([obj.pk]).get(obj.pk, [])
        if not uses:
            return "未被文章使用"
        return format_html(
            '已用于 {} 篇文章：<ul class="image-usage">{}</ul>',
            len(uses),
            format_html_join("", "<li>{}</li>", ((_story_link(use),) for use in uses)),
        )

    def get_deleted_objects(self, objs, request):
        """Refuse (as Django's "protected" objects) images a story or topic still shows, listing them."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        images = list(objs)
        uses = usage.stories_using(image.pk for image in images)
        topics = {}
        for topic in Topic.objects.filter(cover__in=images).only("pk", "title", "cover_id").order_by("title"):
            topics.setdefault(topic.cover_id, []).append(topic)
        in_use = [
            [*(_story_link(use) for use in uses.get(image.pk, [])), *map(_topic_link, topics.get(image.pk, []))]
            for image in images
        ]
        if not isinstance(objs, QuerySet):  # the delete page of one image: its stories
            lines = in_use[0]
        else:  # "delete selected": each image, with its stories as a nested list
            lines = []
            for image, found in zip(images, in_use, strict=True):
                if found:
                    lines += [format_html("图片“{}”", image), found]
        # Stale usage rows cannot let a protected cover through: Django's own list then stands.
        return deleted, counts, perms_needed, lines or protected

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
        found = Image.objects.all()
        if query:
            found = found.filter(Q(alt_text__icontains=query) | Q(caption__icontains=query))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "选择图片",
            "is_popup": True,
            "images": [(image, media_html.thumbnail_url(image)) for image in found[:60]],
            "func": func,
            "query": query,
            "form": form,
            "new_id": request.GET.get("new", ""),
        }
        return TemplateResponse(request, "admin/articles/image/picker.html", context)


def _story_link(use):
    """《title》 linked to the story's admin page, with where it shows the image."""
    url = reverse("admin:articles_article_change", args=[use.article.pk])
    return format_html('<a href="{}">《{}》</a>（{}）', url, use.article.title, use.describe())


def _topic_link(topic):
    url = reverse("admin:articles_topic_change", args=[topic.pk])
    return format_html('专题<a href="{}">《{}》</a>（题图）', url, topic.title)
