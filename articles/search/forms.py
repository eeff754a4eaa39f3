import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import QueryDict
from django.utils import timezone

from articles.models import Channel, Industry, Region
from articles.search.segmentation import MAX_QUERY_LENGTH

# Tabs and line breaks separate words; every other control character (NUL included) goes.
_CONTROL_CHARACTERS = dict.fromkeys((*range(0x20), *range(0x7F, 0xA0))) | dict.fromkeys(map(ord, "\t\n\r"), " ")


class QueryField(forms.CharField):
    """The search words. Control characters are dropped, not refused (a NUL would otherwise
    fail the form), so a pasted query with stray ones still searches for its words."""

    def to_python(self, value):
        return super().to_python(value).translate(_CONTROL_CHARACTERS).strip()


# The dates a filter may name. Far beyond them, the day added to an end date or the conversion
# to UTC overflows Python's dates (9999-12-31 was a 500); no story is dated out there anyway.
FIRST_DATE = datetime.date(1900, 1, 1)
LAST_DATE = datetime.date(2100, 12, 31)


class DateFilterField(forms.DateField):
    """An optional date filter within FIRST_DATE–LAST_DATE: others are reported and ignored."""

    def __init__(self, label):
        message = f"请填写 {FIRST_DATE:%Y-%m-%d} 至 {LAST_DATE:%Y-%m-%d} 之间的日期。"
        super().__init__(
            label=label,
            required=False,
            validators=[MinValueValidator(FIRST_DATE, message), MaxValueValidator(LAST_DATE, message)],
            widget=forms.DateInput(attrs={"type": "date", "min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat()}),
        )


class SearchForm(forms.Form):
    """The search box and its filters. Over-long queries are cut, not refused."""

    q = QueryField(label="关键词", required=False, strip=True)
    region = forms.ModelChoiceField(
        label="区域", queryset=Region.objects.all(), to_field_name="slug", required=False, empty_label="全部区域"
    )
    channel = forms.ModelChoiceField(
        label="栏目", queryset=Channel.objects.all(), to_field_name="slug", required=False, empty_label="全部栏目"
    )
    industry = forms.ModelChoiceField(
        label="产业", queryset=Industry.objects.all(), to_field_name="slug", required=False, empty_label="全部产业"
    )
    date_from = DateFilterField(label="起始日期")
    date_to = DateFilterField(label="截止日期")
    # Set by the "search for what I typed" link: no Traditional or pinyin conversion.
    original = forms.BooleanField(required=False, widget=forms.HiddenInput)

    FILTERS = ("region", "channel", "industry", "date_from", "date_to")

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
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.FILTERS)

    @property
    def unfiltered(self):
        """Whether the search names no filter at all: its filter fields show the same for every query."""
        return self.is_bound and not any(name in self.data for name in self.FILTERS)

    @property
    def filters_open(self):
        """Whether the 筛选 panel starts open: a filter is set or one was refused."""
        if not self.is_bound:
            return False
        return self.has_filters or any(name in self.errors for name in self.FILTERS)

    def link(self, **changes):
        """This search's query string with `changes` (None drops a parameter); always a first page."""
        params = self.data.copy() if self.is_bound else QueryDict(mutable=True)
        for name in ("page", "original", *changes):
            params.pop(name, None)
        for name, value in changes.items():
            if value not in (None, ""):
                params[name] = value
        return "?" + params.urlencode()

    @property
    def active_filters(self):
        """[(label, value shown, link without it)] for each valid filter set: the removable chips."""
        data = getattr(self, "cleaned_data", {})
        return [
            (self.fields[name].label, str(data[name]), self.link(**{name: None}))
            for name in self.FILTERS
            if data.get(name)
        ]

    @property
    def filter_key(self):
        """The valid filters as text: what, besides the words, a page of results depends on."""
        data = getattr(self, "cleaned_data", {})
        parts = []
        for name in self.FILTERS:
            value = data.get(name)
            if value:
                parts.append(f"{name}={getattr(value, 'slug', value)}")
        return "&".join(parts)

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
