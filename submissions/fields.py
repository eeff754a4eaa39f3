"""The fields and widgets the public forms are built from.

A region picker drawn as a tree, several files in one input, a mainland mobile number, a code
copied from a receipt and a minimum length counted after trimming, each with Chinese messages.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from submissions import validators


class RegionChoiceIterator(ModelChoiceIterator):
    """Regions as a tree (districts, then their parks indented), from one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        regions = list(self.queryset)
        children = {}
        for region in regions:
            children.setdefault(region.parent_id, []).append(region)
        known = {region.pk for region in regions}
        roots = [r for r in regions if r.parent_id is None or r.parent_id not in known]

        def walk(nodes, depth):
            for node in nodes:
                yield self.choice(node, depth)
                yield from walk(children.get(node.pk, ()), depth + 1)

        yield from walk(roots, 0)

    def choice(self, obj, depth=0):
        value, label = super().choice(obj)
        return value, "\u3000" * depth + label


class RegionChoiceField(forms.ModelChoiceField):
    iterator = RegionChoiceIterator


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by FileField, the set by the form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data and initial:  # nothing chosen this time: the files kept from the last post
            return list(initial)
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class MobileField(forms.CharField):
    """A mainland mobile number as typed (+86, spaces, dashes), cleaned to its 11 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "手机号码")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "中国大陆手机号码，可带 +86。")
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        number = validators.normalize_mobile(super().clean(value))
        validators.validate_mobile(number)
        return number


def code_field(label, max_length, help_text):
    """A code copied from a receipt: typed in capitals, never spell-checked or autofilled."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": f"请填写{label}。"},
    )


class MinLength:
    """A minimum length counted after trimming, with a Chinese message naming the field."""

    def __init__(self, limit, label):
        self.limit = limit
        self.label = label

    def __call__(self, value):
        if len(value.strip()) < self.limit:
            raise ValidationError(
                f"{self.label}至少 {self.limit} 个字，您填写了 {len(value.strip())} 个。", code="min_length"
            )
