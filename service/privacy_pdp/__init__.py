"""Privacy policies as code: a decision service on OPA's Data API."""

__version__ = "0.1.0"
