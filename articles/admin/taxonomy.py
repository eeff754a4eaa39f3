"""The classifications in the admin: regions (with aliases and the tree), channels, industries."""

from django.contrib import admin

from articles.models import Channel, Industry, Region


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
