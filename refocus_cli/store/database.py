"""Opening, creating and upgrading the refocus database file."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refocus_cli.core.dates import Clock, iso_utc, local_today, zone
from refocus_cli.core.errors import Conflict, DatabaseProblem
from refocus_cli.store.migrations import MIGRATION_SET, MIGRATIONS_TABLE, NAMES

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 15_000


@dataclass
class Store:
    """An open database with the clock and the person acting on it.

    `conn` is the connection; `db`, sqlite-utils' view of it for the writes that use
    its table helpers, is made when first used: a command that only reads through
    `conn` never imports sqlite-utils (about 60 ms of every start)."""

    conn: sqlite3.Connection
    path: Path
    clock: Clock
    actor: str
    migrated: list[str] = field(default_factory=list)
    _programme: dict[str, Any] | None = field(default=None, repr=False)
    # The change (one command) the audit entries written through this store belong to;
    # store.audit gives it a number at the first entry.
    change_id: int | None = None
    # Why the file was opened read-only (it or its folder cannot be written), if it was.
    read_only: str | None = None
    _db: Database | None = field(default=None, repr=False)

    @property
    def db(self) -> Database:
        """sqlite-utils' Database over the same connection."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        """One short write transaction (nested calls become savepoints)."""
        if self.read_only:
            raise read_only_problem(self.path, self.read_only)
        if self.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        # IMMEDIATE takes the write lock up front, so a busy database makes us
        # wait (busy timeout) rather than fail half-way through.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Read as of one moment: the queries inside see the database as it was at the
        first of them, whatever other processes commit meanwhile (a report's facts all
        from one state of the registers). Inside a transaction already, that one."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.conn.in_transaction:  # it reads: ending it changes nothing
                self.conn.execute("COMMIT")

    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Every row a query gives, as dicts by column name."""
        cursor = self.conn.execute(sql, params)
        keys = [column[0] for column in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor]

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        """The first row a query gives, or None."""
        cursor = self.conn.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip((column[0] for column in cursor.description), row, strict=True))

    def now(self) -> str:
        """Now, as the UTC timestamp stored in `created_at` and audit columns."""
        return iso_utc(self.clock())

    def programme(self) -> dict[str, Any]:
        """The programme this database holds (read once)."""
        if self._programme is None:
            row = self.one("SELECT * FROM programme ORDER BY id LIMIT 1")
            if row is None:
                raise DatabaseProblem(
                    f"{self.path} holds no programme: run `refocus init NAME` first"
                )
            self._programme = row
        return self._programme

    def tz(self) -> tzinfo:
        """The programme's time zone."""
        return zone(self.programme()["timezone"])

    def today(self) -> date:
        """Today in the programme's time zone, by the store's clock."""
        return local_today(self.clock, self.tz())

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def _connect(path: Path, uri: str | None = None) -> sqlite3.Connection:
    conn = sqlite3.connect(
        uri or str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=bool(uri)
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _create_private(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        raise Conflict(f"{path} already exists: choose another --db path") from None
    except OSError as exc:
        raise DatabaseProblem(f"cannot create {path}: {exc.strerror}") from None
    os.close(descriptor)


def _pending(conn: sqlite3.Connection, path: Path) -> list[str]:
    """The migrations the database at `path` still needs (all of them for a new, empty
    file), refusing a file that is not a refocus database or was written by a newer
    refocus."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return list(NAMES)
    if MIGRATIONS_TABLE not in tables:
        raise DatabaseProblem(
            f"{path} is a SQLite database but not a refocus one: point --db at a refocus database"
        )
    applied = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", [MIGRATION_SET]
        )
    ]
    if not applied:
        raise DatabaseProblem(
            f"{path} is a SQLite database but not a refocus one: point --db at a refocus database"
        )
    newer = [name for name in applied if name not in NAMES]
    if newer:
        raise DatabaseProblem(
            f"{path} was written by a newer version of refocus (schema {newer[-1]}); "
            "it was left untouched: upgrade refocus with `pip install -U refocus`"
        )
    done = set(applied)
    return [name for name in NAMES if name not in done]


def read_only_reason(path: Path) -> str | None:
    """Why the database at `path` cannot be written, or None if it can."""
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    except OSError:
        return None
    if not os.access(path, os.W_OK):
        return "the file is not writable"
    # SQLite writes its log and shared-memory files beside the database.
    if not os.access(path.parent, os.W_OK):
        return f"its folder {path.parent} is not writable"
    return None


def read_only_problem(path: Path, reason: str) -> DatabaseProblem:
    """The error for a write to a database that cannot be written."""
    return DatabaseProblem(
        f"the database {path} is read-only ({reason}); nothing was changed: copy it "
        "somewhere writable or fix its permissions"
    )


def _open_read_only(path: Path, clock: Clock, actor: str, reason: str) -> Store:
    """Open a database that cannot be written, for reading: it must need no upgrade."""
    # Imported here: urllib.request brings http, email and ssl (about 10 ms), and only a
    # read-only database is opened by URI.
    from urllib.request import pathname2url

    where = pathname2url(str(path.absolute()))
    log = Path(f"{path}-wal")
    conn = _connect(path, f"file:{where}?mode=ro")
    try:
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        except sqlite3.OperationalError:
            # In a folder it cannot write, SQLite cannot make the shared-memory file a
            # WAL database needs. With no log holding changes, the file alone is the
            # whole database, and reading it as immutable needs neither.
            if log.exists() and log.stat().st_size > 0:
                raise DatabaseProblem(
                    f"the database {path} is read-only ({reason}) and its write-ahead log "
                    f"{log.name} holds changes not yet in the file, which only a writer can "
                    "fold in: copy both files somewhere writable, or fix the permissions"
                ) from None
            conn.close()
            conn = _connect(path, f"file:{where}?immutable=1")
        pending = _pending(conn, path)
    except BaseException:
        conn.close()
        raise
    if pending:
        conn.close()
        raise DatabaseProblem(
            f"the database {path} is read-only ({reason}) and was made by an older version "
            "of refocus, so it needs an upgrade first: copy it somewhere writable or fix "
            "its permissions"
        )
    conn.execute("PRAGMA query_only = ON")
    return Store(conn=conn, path=path, clock=clock, actor=actor, read_only=reason)


def open_store(path: Path, clock: Clock, actor: str, *, create: bool = False) -> Store:
    """Open (or with `create`, make) the database at `path`, applying pending migrations.

    A database that cannot be written is opened read-only when it needs no upgrade:
    commands that only read work; writing raises a clear error."""
    if path.is_dir():
        raise DatabaseProblem(f"{path} is a directory: give --db the path of a database file")
    if not create and not path.exists():
        raise DatabaseProblem(
            f"no refocus database at {path}: create one with `refocus init NAME`, "
            "or point --db or REFOCUS_DB at an existing one"
        )
    reason = None if create else read_only_reason(path)
    if reason:
        try:
            return _open_read_only(path, clock, actor, reason)
        except sqlite3.DatabaseError as exc:
            raise explain_database_error(exc, path) from None
    conn = None
    try:
        if create:
            _create_private(path)
        conn = _connect(path)
        pending = _pending(conn, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        store = Store(conn=conn, path=path, clock=clock, actor=actor, migrated=pending)
        if pending:
            from refocus_cli.store import migrations

            migrations.migrations.apply(store.db)
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if create and not isinstance(exc, Conflict):
            _remove_database_files(path)
        if isinstance(exc, sqlite3.DatabaseError):
            raise explain_database_error(exc, path) from None
        raise
    return store


def _remove_database_files(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def explain_database_error(exc: sqlite3.DatabaseError, path: Path) -> DatabaseProblem:
    """A plain-words error for a SQLite failure."""
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return read_only_problem(path, read_only_reason(path) or text)
    if "full" in text:
        return DatabaseProblem(
            f"the disk holding the database {path} is full ({text}); nothing was changed: "
            "free some space and run the command again"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseProblem(
            f"{path} is not a usable SQLite database ({text}): restore it from a backup "
            "with `refocus db restore FILE`"
        )
    if "locked" in text or "busy" in text:
        return DatabaseProblem(f"{path} is busy in another program ({text}): try again in a moment")
    if "unable to open" in text:
        return DatabaseProblem(f"cannot open {path} ({text}): check the path and its permissions")
    return DatabaseProblem(f"{path}: {text}")
