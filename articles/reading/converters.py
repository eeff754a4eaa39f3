"""URL converters for the public pages."""


class UnicodeSlugConverter:
    """Slugs that may hold Chinese characters, as taggit and allow_unicode SlugFields make them."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
