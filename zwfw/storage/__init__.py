"""One storage layer for every state store: SQLAlchemy Core over SQLite or PostgreSQL.

`Storage` owns the engine of one URL and the only `transaction()`; `tables` holds every
table; `migrate` applies the Alembic migrations; `versions` is the per-store change counter
other replicas poll; `kv` holds sessions, rate limits and caches in process or in Redis.
"""

from zwfw.storage.engine import Storage, close_all, open_storage, state_url
from zwfw.storage.migrate import check_current, migrate
from zwfw.storage.versions import VersionWatch, bump, read_version

__all__ = [
    "Storage",
    "VersionWatch",
    "bump",
    "check_current",
    "close_all",
    "migrate",
    "open_storage",
    "read_version",
    "state_url",
]
