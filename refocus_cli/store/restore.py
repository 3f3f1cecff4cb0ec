"""Restoring a backup: checked read-only first, migrated as a copy, then swapped in whole.

The live database is not touched until the copy that will replace it has passed every
check; the database it replaces is kept beside it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.request import pathname2url

from sqlite_utils import Database

from refocus_cli.core.errors import Conflict, DatabaseProblem
from refocus_cli.store.maintenance import ORPHANS, disk_words
from refocus_cli.store.migrations import NAMES, migrations
from refocus_cli.store.schema_audit import applied_migrations, compare

# More problems than this are summed up: the first ones say enough to choose another file.
SHOWN_PROBLEMS = 8
SIDE_FILES = ("-wal", "-shm", "-journal")
# How long to wait for other programs to let go of the database before replacing it: a
# command finishing its write takes less; a server that keeps it open never lets go.
ALONE_WAIT_S = 3


@dataclass(frozen=True)
class Contents:
    """How much a database holds, to tell two apart before one replaces the other."""

    staff: int
    sessions: int
    last_change: str | None


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to `path`, nor run functions its schema names."""
    where = f"file:{pathname2url(str(path.absolute()))}"
    conn = sqlite3.connect(f"{where}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError:
        # A WAL-mode file in a folder that cannot be written: with no log beside it holding
        # changes, the file alone is the whole database, read as immutable.
        log = Path(f"{path}-wal")
        if log.exists() and log.stat().st_size > 0:
            raise
        conn.close()
        conn = sqlite3.connect(f"{where}?immutable=1", uri=True)
    except sqlite3.DatabaseError:
        pass  # not a database: the checks that follow say so
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA query_only = ON")
    return conn


def _refused(source: Path, target: Path, problems: list[str]) -> DatabaseProblem:
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    if more > 0:
        shown += f"; and {more} more"
    return DatabaseProblem(
        f"{source} cannot be restored: {shown}. The database at {target} was not touched: "
        "restore another backup"
    )


def _problems(conn: sqlite3.Connection, applied: list[str], orphans: bool) -> list[str]:
    integrity = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    if integrity != ["ok"]:
        return [f"integrity check: {line}" for line in integrity]
    # With a schema other than refocus's, foreign keys and orphans mean little.
    found = compare(conn, applied).problems
    if found:
        return found
    problems = [
        f"{table} row {rowid} points to a missing {parent}"
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
    ]
    if orphans:
        for words, sql in ORPHANS.items():
            count = conn.execute(sql).fetchone()[0]
            if count:
                problems.append(f"{count} {words}")
    return problems


def _source_problems(conn: sqlite3.Connection, source: Path) -> tuple[list[str], list[str]]:
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        applied = applied_migrations(conn)
    except sqlite3.DatabaseError as exc:
        return [], [f"it is not a usable SQLite database ({exc})"]
    if not applied:
        return [], ["it is not a refocus database (it records no refocus migrations)"]
    newer = [name for name in applied if name not in NAMES]
    if newer:
        return applied, [
            f"it was written by a newer version of refocus (schema {newer[-1]}): "
            "upgrade refocus (`pip install -U refocus`) to restore it"
        ]
    try:
        return applied, _problems(conn, applied, orphans=False)
    except sqlite3.DatabaseError as exc:
        return applied, [f"it cannot be read whole ({exc})"]


def check_backup(source: Path, target: Path) -> list[str]:
    """Check `source` read-only: a refocus database of this version or older, whole, with
    exactly refocus's schema for its migrations and no broken links. Returns its migrations."""
    if not source.exists():
        raise DatabaseProblem(f"no file at {source}: give the path of a refocus backup")
    if not source.is_file():
        raise DatabaseProblem(f"{source} is not a regular file: give the backup file to restore")
    try:
        conn = open_read_only(source)
    except sqlite3.DatabaseError as exc:
        raise _refused(source, target, [f"it cannot be opened ({exc})"]) from None
    try:
        applied, problems = _source_problems(conn, source)
    finally:
        conn.close()
    if problems:
        raise _refused(source, target, problems)
    return applied


def _private_temp(beside: Path, label: str) -> Path:
    try:
        descriptor, name = tempfile.mkstemp(
            prefix=f".{beside.name}.{label}-", suffix=".tmp", dir=beside.parent
        )
    except OSError as exc:
        raise DatabaseProblem(
            f"cannot write in {beside.parent} ({exc.strerror}): the restored copy is made "
            "there before it replaces the database; nothing was changed"
        ) from None
    os.close(descriptor)
    return Path(name)


def copy_for_restore(source: Path, target: Path) -> tuple[Path, Contents]:
    """A private copy of `source` beside `target`, brought up to this version's schema and
    checked again (integrity, schema, foreign keys, orphan rows), with what it holds; the
    caller removes it with `discard`."""
    copy = _private_temp(target, "restoring")
    try:
        _fill(source, copy)
        held = _migrate_and_check(copy, source, target)
    except sqlite3.OperationalError as exc:
        # Reading the backup was checked already: what fails now is writing the copy.
        discard(copy)
        raise DatabaseProblem(
            f"cannot make the restored copy in {target.parent}: {disk_words(exc)}; "
            "nothing was changed"
        ) from None
    except BaseException:
        discard(copy)
        raise
    return copy, held


def _fill(source: Path, copy: Path) -> None:
    reader = open_read_only(source)
    writer = sqlite3.connect(str(copy))
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def _migrate_and_check(copy: Path, source: Path, target: Path) -> Contents:
    conn = sqlite3.connect(str(copy), isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA trusted_schema = OFF")
        try:
            migrations.apply(Database(conn))
        except sqlite3.IntegrityError as exc:
            raise _refused(source, target, [f"it cannot be brought up to date ({exc})"]) from None
        problems = _problems(conn, list(NAMES), orphans=True)
        if problems:
            raise _refused(source, target, problems)
        held = _held(conn)
        # The live database is in WAL mode; the copy takes its place in the same mode.
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    return held


def _held(conn: sqlite3.Connection) -> Contents:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM staff), (SELECT count(*) FROM session), "
        "(SELECT max(at) FROM audit)"
    ).fetchone()
    return Contents(staff=row[0], sessions=row[1], last_change=row[2])


def contents(path: Path) -> Contents | None:
    """How many staff and sessions a database holds and when it last changed; None when
    there is no database there or it cannot be read."""
    if not path.is_file():
        return None
    try:
        # Not a read-only connection: one would leave empty log files beside the database.
        conn = sqlite3.connect(str(path), timeout=ALONE_WAIT_S)
        conn.execute("PRAGMA query_only = ON")
        try:
            return _held(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def discard(path: Path) -> None:
    """Remove a database file that was never used, with any side files it has."""
    for suffix in ("", *SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _kept_name(target: Path, stamp: str) -> Path:
    kept = target.with_name(f"{target.stem}.replaced-{stamp}.db")
    number = 1
    while kept.exists():
        number += 1
        kept = target.with_name(f"{target.stem}.replaced-{stamp}-{number}.db")
    return kept


def _keep(target: Path, kept: Path) -> None:
    # A hard link keeps the old file's exact bytes without copying them; where the file
    # system has no links, a copy does the same.
    try:
        os.link(target, kept)
    except OSError:
        try:
            shutil.copyfile(target, kept)
        except OSError as exc:
            kept.unlink(missing_ok=True)
            raise DatabaseProblem(
                f"cannot keep the database being replaced as {kept} ({exc.strerror}); "
                "nothing was changed"
            ) from None
    os.chmod(kept, 0o600)


def _hold_alone(target: Path) -> sqlite3.Connection | None:
    """A connection holding `target` for itself, its write-ahead log folded in; None when
    it is not a database SQLite can open (it is then replaced as it is)."""
    conn = sqlite3.connect(str(target), timeout=ALONE_WAIT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        # Leaving WAL mode needs the only connection: it checkpoints the log into the file.
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        conn.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise Conflict(
                f"{target} is in use by another program (a refocus command, a feed server): "
                "stop it and run the restore again; nothing was changed"
            ) from None
        return None
    except sqlite3.DatabaseError:
        conn.close()
        return None
    return conn


def swap_in(copy: Path, target: Path, stamp: str) -> Path | None:
    """Replace `target` with `copy` in one rename, keeping the database it replaces as a
    private `<name>.replaced-<stamp>.db` beside it (returned; None when there was none)."""
    if not target.exists():
        _replace(copy, target)
        return None
    holder = _hold_alone(target)
    kept = _kept_name(target, stamp)
    try:
        _keep(target, kept)
        # Side files belong to the replaced file: replayed over the new one, they would
        # corrupt it. Nobody else has the database open now, so they can go.
        for suffix in SIDE_FILES:
            with contextlib.suppress(FileNotFoundError):
                Path(f"{target}{suffix}").unlink()
        _replace(copy, target)
    except BaseException:
        kept.unlink(missing_ok=True)
        raise
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
    return kept


def _replace(copy: Path, target: Path) -> None:
    try:
        os.replace(copy, target)
    except OSError as exc:
        raise DatabaseProblem(
            f"cannot replace {target} ({exc.strerror}): check its permissions; nothing was changed"
        ) from None
