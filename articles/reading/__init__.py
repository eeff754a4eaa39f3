"""The reading site: public pages, feeds, sitemaps and the cached navigation."""
