"""专题 in the admin: a topic with its ordered stories inline."""

from django.contrib import admin
from django.db.models import Count

from articles.models import Topic, TopicEntry


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
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description="文章数", ordering="entry_count")
    def article_count(self, obj):
        return obj.entry_count
