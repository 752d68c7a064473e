"""Domain errors. They know nothing of HTTP: `zwfw.api.errors` maps each `code` to a status."""


class ZwfwError(Exception):
    """Root of every error zwfw raises on purpose; `code` is stable and machine-readable."""

    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidQuery(ZwfwError):
    """The caller's query or parameters cannot be served (too long, empty, bad filter)."""

    code = "invalid_query"


class InvalidRecord(ZwfwError):
    """A record does not satisfy the canonical schema."""

    code = "invalid_record"


class SourceError(ZwfwError):
    """A source file cannot be loaded: unreadable, or too many bad records."""

    code = "source_error"


class IndexNotReady(ZwfwError):
    """No index is loaded yet (still loading, or none was ever built)."""

    code = "index_not_ready"


class BackendUnavailable(ZwfwError):
    """A search backend (Elasticsearch, FAISS file, …) failed or cannot be reached."""

    code = "backend_unavailable"


class NotFound(ZwfwError):
    """The named document or resource does not exist."""

    code = "not_found"


class ConfigError(ZwfwError):
    """A setting has a value zwfw cannot use."""

    code = "config_error"


class MissingDependency(ZwfwError):
    """An optional package is needed; the message names the `pip install` that fixes it."""

    code = "missing_dependency"

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"{package} is not installed; install it with: pip install 'zwfw[{extra}]'"
        )
        self.package = package
        self.extra = extra
