"""octavo: one Markdown manuscript to EPUB 3, print PDF and archive deposit."""

__version__ = "0.1.0"
