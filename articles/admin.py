from django.contrib import admin

from articles.models import Article, Channel, Industry, Region


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title", "status", "channel", "region_names", "publish_at", "is_headline", "is_pinned",
        "is_featured", "view_count",
    ]  # fmt: skip
    list_filter = ["status", "regions", "channel", "industries", "is_headline", "is_pinned", "is_featured"]
    list_select_related = ["channel"]
    search_fields = ["title", "summary", "source", "author"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["regions", "industries", "channel", "responsible_editor"]
    readonly_fields = ["view_count", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "summary", "body"]}),
        ("封面", {"fields": ["cover_image", "cover_alt"]}),
        ("来源与署名", {"fields": ["source", "author", "responsible_editor"]}),
        ("分类", {"fields": ["channel", "regions", "industries", "tags"]}),
        ("发布", {"fields": ["status", "publish_at", "expire_at", "is_headline", "is_pinned", "is_featured"]}),
        ("统计", {"fields": ["view_count", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description="区域")
    def region_names(self, obj):
        return "、".join(r.name for r in obj.regions.all()) or "—"
