"""The case lists' filters: overdue, open or closed, and whose cases."""

from django.contrib import admin

from submissions import roles


class OverdueFilter(admin.SimpleListFilter):
    title = "办理期限"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "已逾期"), ("no", "未逾期")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.not_overdue()
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = "办结情况"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "未办结"), ("no", "已办结")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.filter(status__in=queryset.model.CLOSED_STATUSES)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    """指派给我, 未指派, or one of the staff who may process this kind, by name."""

    title = "经办人"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        staff = roles.processing_staff(model_admin.model)
        return [("me", "指派给我"), ("none", "未指派"), *((str(u.pk), roles.display_name(u)) for u in staff)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value in {key for key, _ in self.lookup_choices}:  # never an unchecked number into the query
            return queryset.filter(assignee_id=int(value))
        return queryset
