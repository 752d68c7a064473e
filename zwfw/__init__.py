"""zwfw: unified search and customer-service backend for government services."""

__version__ = "0.1.0"
