"""Column types and helpers shared by every domain's models."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database.

    SQLite keeps no offset, so values are stored as naive UTC and handed back
    aware; a naive value given to us is refused rather than guessed.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL and a busy timeout let the web server and workers share one SQLite file."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across app crashes in WAL mode
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Row:
    """A table's own integer id (the primary key every model has)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class OfficeRow(Row):
    """A row of one office (a tenant): every query on it is scoped by ``office_id``."""

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"))
