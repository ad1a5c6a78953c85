"""sitegen: a static news-site generator with honest attribution."""

__version__ = "0.1.0"
