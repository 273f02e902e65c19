"""The column types every table shares: UTC timestamps, byte-ordered numbers, 64-bit ids, and the
naming convention of constraints and indexes (so migrations name them the same way)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, MetaData, String
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Numbers compare byte-wise everywhere (prefix ranges and keyset pages rely on it); SQLite's default
# BINARY collation already does, PostgreSQL's locale collation may not.
NumberText = String(20).with_variant(String(20, collation="C"), "postgresql")
ExtensionText = String(16).with_variant(String(16, collation="C"), "postgresql")

# SQLite needs INTEGER PRIMARY KEY to alias the rowid (autoincrement); PostgreSQL gets a bigint.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, stored as naive UTC on every database."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use datetime.now(UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], datetime | None]:
        # One closure instead of TypeDecorator's two calls per value: a search page reads 130 of these,
        # and the layering was a tenth of its CPU. The dialect's own parsing (SQLite's text) still runs.
        parse = self.impl_instance.result_processor(dialect, coltype)
        if parse is None:

            def as_utc(value: Any) -> datetime | None:
                return None if value is None else value.replace(tzinfo=UTC)

            return as_utc

        def parsed_as_utc(value: Any) -> datetime | None:
            parsed = None if value is None else parse(value)
            return None if parsed is None else parsed.replace(tzinfo=UTC)

        return parsed_as_utc


# Teams' numberType, verbatim: the three we know and any it adds later (migration 0009).
NumberTypeText = String(60)
