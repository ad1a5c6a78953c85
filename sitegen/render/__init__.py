"""Turning the site model into files: Markdown bodies, templates, JSON-LD, feeds and the sitemap."""
