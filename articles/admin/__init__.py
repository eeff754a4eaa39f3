"""The editorial back office: one module per part of the admin; importing them registers them."""

from articles.admin import articles, images, site, tags, taxonomy, topics  # noqa: F401
