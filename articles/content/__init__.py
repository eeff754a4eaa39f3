"""Story content: the HTML allowlist and plain-text conversion, the seed-page importer and demo data."""
