"""The editorial back office: one module per part of the admin; importing them registers them."""

from articles.admin import articles, images, taxonomy, topics  # noqa: F401
