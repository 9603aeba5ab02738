"""corroborate: read many outlets' articles about one news story and say what
happened, who said what, and which outlets can be trusted on it."""

__version__ = "0.1.0"
