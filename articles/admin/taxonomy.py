"""The classifications in the admin: regions (with aliases and the tree), channels, industries."""

from django.contrib import admin

from articles.models import Channel, Industry, Region

ALIASES_HELP = (
    "以逗号分隔，例如：亦庄, 经开区, Beijing E-Town。搜索时视为同一区域。"
    "只能包含汉字、字母、数字、空格、连字符（-）和点（.）。"
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "aliases", "show_on_home", "order"]
    list_editable = ["show_on_home", "order"]
    list_filter = ["kind", "show_on_home"]
    list_select_related = ["parent"]
    search_fields = ["name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_form(self, request, obj=None, **kwargs):
        # The model checks aliases on save (Region.clean_fields); this says the rule up front.
        kwargs.setdefault("help_texts", {"aliases": ALIASES_HELP})
        return super().get_form(request, obj, **kwargs)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "aliases", "order"]
    list_editable = ["order"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
