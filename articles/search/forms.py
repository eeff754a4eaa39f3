import datetime

from django import forms
from django.utils import timezone

from articles.models import Channel, Industry, Region
from articles.search.segmentation import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    """The search box and its filters. Over-long queries are cut, not refused."""

    q = forms.CharField(label="关键词", required=False, strip=True)
    region = forms.ModelChoiceField(
        label="区域", queryset=Region.objects.all(), to_field_name="slug", required=False, empty_label="全部区域"
    )
    channel = forms.ModelChoiceField(
        label="栏目", queryset=Channel.objects.all(), to_field_name="slug", required=False, empty_label="全部栏目"
    )
    industry = forms.ModelChoiceField(
        label="产业", queryset=Industry.objects.all(), to_field_name="slug", required=False, empty_label="全部产业"
    )
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_q(self):
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return cleaned

    @property
    def has_filters(self):
        return self.is_bound and any(
            self.cleaned_data.get(name) for name in ("region", "channel", "industry", "date_from", "date_to")
        )

    def filter(self, queryset):
        """Apply the valid filters; invalid ones are reported on the form and ignored."""
        data = getattr(self, "cleaned_data", {})
        tz = timezone.get_current_timezone()
        if data.get("region"):
            queryset = queryset.filter(regions=data["region"])
        if data.get("channel"):
            queryset = queryset.filter(channel=data["channel"])
        if data.get("industry"):
            queryset = queryset.filter(industries=data["industry"])
        if data.get("date_from"):
            queryset = queryset.filter(
                publish_at__gte=datetime.datetime.combine(data["date_from"], datetime.time(), tz)
            )
        if data.get("date_to"):
            end = datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1), datetime.time(), tz)
            queryset = queryset.filter(publish_at__lt=end)
        return queryset
