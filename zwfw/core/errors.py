"""Domain errors. They know nothing of HTTP: `zwfw.api.errors` maps each `code` to a status."""


class ZwfwError(Exception):
    """Root of every error zwfw raises on purpose; `code` is stable and machine-readable."""

    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidQuery(ZwfwError):
    """The caller's query or parameters cannot be served (too long, empty, bad filter).

    Its code is the one a parameter failing schema validation gets: the same mistake (an
    empty `q` or a 201-character one, `size=0` or `size=51`) must get the same code."""

    code = "invalid_request"


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
    """A backend (Elasticsearch, a FAISS file, a state or ops database, …) failed or cannot
    be reached; the message names it."""

    code = "backend_unavailable"


class FeatureDisabled(ZwfwError):
    """An optional part (the personal space, operations) is switched off by configuration:
    not "still loading", so clients should not retry."""

    code = "feature_disabled"


class Unauthorized(ZwfwError):
    """No credentials, or credentials that identify nobody (the client should authenticate)."""

    code = "unauthorized"


class Forbidden(ZwfwError):
    """The caller is known but may not do this."""

    code = "forbidden"


class Conflict(ZwfwError):
    """The resource is not in the state the action needs."""

    code = "conflict"


class RateLimited(ZwfwError):
    """Too many requests from one client; `retry_after` is in whole seconds."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PayloadTooLarge(ZwfwError):
    """The request body is larger than ZWFW_API__MAX_BODY_BYTES."""

    code = "payload_too_large"


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
