"""The article list's columns: cover thumbnail, publication state, regions, flags, history."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles.media import html as media_html
from articles.models import PublicationState, Status

State = PublicationState
_THUMB = '<img class="admin-thumb" src="{}" alt="" width="64" height="40" loading="lazy">'


class ArticleColumnsMixin:
    @admin.display(description="图")
    def thumbnail(self, obj):
        if obj.cover_id:
            return format_html(_THUMB, media_html.thumbnail_url(obj.cover))
        return mark_safe('<span class="admin-thumb admin-thumb-empty" aria-hidden="true"></span>')

    @admin.display(description="状态", ordering="status")
    def status_badge(self, obj):
        state = obj.publication_state
        label, css = obj.get_status_display(), obj.status
        if state == State.SCHEDULED:
            label, css = f"定时发布 {timezone.localtime(obj.publish_at):%m-%d %H:%M}", "scheduled"
        elif state == State.EXPIRED:
            label, css = state.label, "expired"
        if getattr(obj, "has_unpublished_changes", False):
            label, css = f"{label}，有未发布的修改", "changes"
            if obj.changes_go_live_at:
                label += f"（{timezone.localtime(obj.changes_go_live_at):%m-%d %H:%M} 生效）"
        badge = format_html('<span class="status-badge status-{}">{}</span>', css, label)
        if obj.expire_at and state in {State.SCHEDULED, State.LIVE}:
            note = f"{timezone.localtime(obj.expire_at):%m-%d %H:%M}"
            badge += format_html('<br><small class="status-note">定时下线 {}</small>', note)
        return badge

    @admin.display(description="发布时间", ordering="publish_at")
    def publish_time(self, obj):
        """No 发布时间 before a story is published: the time is set when it is."""
        if obj is None or obj.pk is None or obj.status in {Status.DRAFT, Status.REVIEW}:
            if obj is not None and obj.pk is not None and obj.publish_at > timezone.now():
                return f"计划 {timezone.localtime(obj.publish_at):%Y-%m-%d %H:%M}"
            return "—（发布时确定）"
        return f"{timezone.localtime(obj.publish_at):%Y-%m-%d %H:%M}"

    @admin.display(description="正文")
    def rendered_body(self, obj):
        """A read-only story's body as readers see it, not its HTML source (already sanitised)."""
        return format_html('<div class="readonly-body">{}</div>', mark_safe(obj.body)) if obj else "—"

    @admin.display(description="流转记录")
    def transition_log(self, obj):
        rows = obj.transitions.select_related("user")[:50] if obj and obj.pk else []
        if not rows:
            return "—"
        items = format_html_join(
            "",
            "<li>{} {} {} → {}{}</li>",
            (
                (
                    f"{timezone.localtime(t.at):%Y-%m-%d %H:%M}",
                    (t.user.get_full_name() or t.user.username) if t.user else "—",
                    t.get_from_status_display(),
                    t.get_to_status_display(),
                    f"：{t.note}" if t.note else "",
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
