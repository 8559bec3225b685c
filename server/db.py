"""Engine, sessions and the declarative base shared by every area."""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import DateTime, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import Connection, CursorResult, Engine, Result
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime()}


# A pooled connection is checked (a round trip) before use only when it has lain idle this long:
# a connection in steady use is known good, and a check on every checkout cost every request a
# round trip. After a database restart the first request on each busy connection may still fail
# once; the pool then drops all its connections (SQLAlchemy's disconnect handling).
IDLE_PING_SECONDS = 10.0


def make_engine(url: str, pool_size: int | None = None, **kwargs: Any) -> Engine:
    """`pool_size`: connections kept open; the server passes its admission limit
    (max_requests_in_flight), so a busy moment reuses connections instead of opening and
    closing overflow ones (on PostgreSQL each is a new server process)."""
    # Never put bound parameters (comments, message bodies, usernames) into error messages/logs.
    kwargs.setdefault("hide_parameters", True)
    pooled = "poolclass" not in kwargs and ":memory:" not in url
    if pooled:
        kwargs.setdefault("pool_size", pool_size or 20)
        kwargs.setdefault("max_overflow", 10)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _sqlite_pragmas(engine)
        return engine
    engine = create_engine(url, **kwargs)
    if pooled:
        _ping_after_idle(engine)
    _postgresql_read_sessions(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool discards this connection and takes another
            raise DisconnectionError("an idle pooled connection is gone") from exc


# PostgreSQL read sessions run in autocommit: a GET sends its SELECTs and nothing else. Under READ
# COMMITTED (the default) each statement already sees its own snapshot inside a transaction too,
# so what a read sees is unchanged; it saves the BEGIN and ROLLBACK round trips of every read.
_READERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _postgresql_read_sessions(engine: Engine) -> None:
    _READERS[engine] = engine.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY: True})

    @event.listens_for(engine, "before_cursor_execute")
    def _no_write_in_read(conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        if conn.get_execution_options().get(READ_ONLY) and _is_write(statement, context):
            # In autocommit the write would be committed at once, outside the unit of work.
            raise WriteInReadTransaction(
                "write inside a read session: call server.db.for_writing(session) before writing"
            )


def _is_write(statement: str, context: Any) -> bool:
    writes = context is not None and (context.isinsert or context.isupdate or context.isdelete)
    return bool(writes) or statement.lstrip()[:7].upper() in {"INSERT ", "UPDATE ", "DELETE ", "REPLACE"}


# A session opened with this execution option (read_session(), a GET's session) starts its
# transactions with a plain, deferred BEGIN on SQLite: under WAL a read transaction takes no lock
# at all, so reads never queue behind a writer, nor writers behind reads. Everything else starts
# with BEGIN IMMEDIATE and queues for the single write lock.
READ_ONLY = "skolhub_read_only"
_IN_READ_TRANSACTION = "skolhub_in_read_transaction"


class WriteInReadTransaction(RuntimeError):
    """A write was sent inside a deferred (read) SQLite transaction.

    Upgrading such a transaction to a writer fails at once with "database is locked" when
    another connection writes (SQLite does not wait on the busy timeout for an upgrade), so a
    read session must call for_writing() before it writes. Raised always, so a route that forgot
    to is found by its tests and not by a busy morning."""


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL for concurrent readers; BEGIN IMMEDIATE so concurrent writers queue on the busy
    timeout instead of failing when a read transaction upgrades to a write; a deferred BEGIN for
    read sessions, which hold no lock."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
            conn.info[_IN_READ_TRANSACTION] = True
        else:
            conn.info.pop(_IN_READ_TRANSACTION, None)
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Any) -> None:
        conn.info.pop(_IN_READ_TRANSACTION, None)

    @event.listens_for(engine, "before_cursor_execute")
    def _no_write_in_read(conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        if conn.info.get(_IN_READ_TRANSACTION) and _is_write(statement, context):
            raise WriteInReadTransaction(
                "write inside a read transaction: call server.db.for_writing(session) before writing"
            )


def read_session(factory: sessionmaker[Session]) -> Session:
    """A session for a read-only request: deferred transactions on SQLite, autocommit on
    PostgreSQL (see READ_ONLY and _postgresql_read_sessions)."""
    bind = factory.kw.get("bind")
    reader = _READERS.get(bind) if bind is not None else None
    if reader is None:
        return factory(execution_options={READ_ONLY: True})
    session = factory(bind=reader, execution_options={READ_ONLY: True})
    session.info[_WRITER] = bind
    return session


_WRITER = "skolhub_writer_bind"


def for_writing(session: Session) -> None:
    """Before the first write of a read session (a GET that marks something read): end its read
    transaction and start the next one with BEGIN IMMEDIATE (SQLite) or a transaction
    (PostgreSQL), so the write is part of the unit of work and queues for the lock like any
    other. Reads made before stay valid for what they decided; the writes that follow must not
    depend on them being current (e.g. "mark read if not yet read", done in SQL)."""
    if not session.execution_options.get(READ_ONLY):
        return
    if session.new or session.dirty or session.deleted:
        raise WriteInReadTransaction("call for_writing(session) before changing objects in a read session")
    session.commit()  # nothing written: ends the read snapshot, returns the connection
    session.execution_options = session.execution_options.union({READ_ONLY: False})
    writer = session.info.pop(_WRITER, None)
    if writer is not None:
        session.bind = writer


def writer_bind(session: Session) -> Engine | Connection:
    """The engine a session's writes go to (a PostgreSQL read session reads through an
    autocommit view of it)."""
    return session.info.get(_WRITER) or session.get_bind()


def is_read_session(session: Session) -> bool:
    return bool(session.execution_options.get(READ_ONLY))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: Callable[[], Session]) -> Iterator[Session]:
    """One transaction: commits when the block ends normally, rolls back on any error.

    The one boundary for everything that is not a request (the outbox worker, the address
    import, housekeeping, the demo seed); a request gets the same from server.deps.get_db.
    Services only flush."""
    with factory() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def own_transaction(db: Session) -> AbstractContextManager[Session]:
    """A separate, short unit of work on `db`'s database, for the few writes that must persist
    even when the request they belong to fails (a failed-login counter: the 401 rolls back the
    request, never the count). On SQLite it queues for the write lock like any writer, so call
    it before `db` has written anything."""
    bind = writer_bind(db)
    return unit_of_work(lambda: Session(bind, expire_on_commit=False))


def insert_ignoring_conflicts(session: Session, table: Any, values: dict[str, Any] | list[dict[str, Any]], index_elements: list[str]) -> int:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL; returns rows inserted.

    The database, not a check-then-insert, decides who wins a race."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]
    core_table = getattr(table, "__table__", table)  # Core statement: rowcount is reliable
    stmt = (
        dialect_insert(core_table)
        .values(values)
        .on_conflict_do_nothing(index_elements=index_elements)
        .returning(*core_table.primary_key.columns)
    )
    return len(session.connection().execute(stmt).fetchall())


def affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched (typed access to CursorResult.rowcount)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)
