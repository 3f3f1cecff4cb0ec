"""Subscribed calendar feeds: one per trainer, team, member of staff and cohort, each under
an unguessable token, written to a folder or served live.

A feed's ETag is made without rendering it: from its token, the newest audit entry's
number (store.feeds.change_stamp: it rises with every change refocus makes), the times
and sizes of the manual's files (an edited curriculum or measures.toml changes what a
feed says), today's date (the time-zone rules a feed carries cover the years around
today) and refocus's version. So a conditional request for an unchanged feed is
answered 304 after three indexed lookups and a look at the manual's file times, and any
change makes every feed's ETag new (a feed then renders once per poll until it is
cached again).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from refocus_cli.core.errors import InvalidInput, NotFound
from refocus_cli.readers.manual import manual_stamp
from refocus_cli.store import feeds as feed_store
from refocus_cli.store.database import Store
from refocus_cli.store.feeds import FeedRow

if TYPE_CHECKING:
    from refocus_cli.core.calendar import CalendarMilestone, CalendarSession
    from refocus_cli.core.curriculum import Curriculum

TOKEN_BYTES = 24  # 32 URL-safe characters: 192 random bits
FEED_PATH = "/feeds/{token}.ics"


@dataclass(frozen=True)
class Feed:
    """A feed as `feeds list` shows it."""

    token: str
    kind: str
    owner: str
    path: str
    created_at: str
    revoked_at: str | None

    def as_record(self) -> dict[str, str | None]:
        """The feed as `--json` prints it."""
        return {
            "token": self.token,
            "kind": self.kind,
            "owner": self.owner,
            "path": self.path,
            "created": self.created_at,
            "revoked": self.revoked_at,
        }


@dataclass(frozen=True)
class Built:
    """What `feeds build` did: feeds written, feeds made and revoked (of those who left),
    files of revoked feeds removed."""

    folder: Path
    written: int
    made: int
    revoked: int
    removed: int


def new_token() -> str:
    """An unguessable feed token."""
    import secrets

    return secrets.token_urlsafe(TOKEN_BYTES)


def _shown(row: FeedRow) -> Feed:
    return Feed(
        row.token,
        row.kind,
        row.owner,
        FEED_PATH.format(token=row.token),
        row.created_at,
        row.revoked_at,
    )


def list_feeds(store: Store, *, revoked: bool = False, base_url: str | None = None) -> list[Feed]:
    """Every active feed (and with `revoked`, the revoked ones); with `base_url` (the
    address the server is reached at), each path is a full address."""
    from dataclasses import replace

    shown = [_shown(row) for row in feed_store.feeds(store, revoked=revoked)]
    if base_url is None:
        return shown
    base = _base_url(base_url)
    return [replace(feed, path=base + feed.path) for feed in shown]


def _base_url(text: str) -> str:
    """A checked --base-url, without a final slash."""
    from urllib.parse import urlsplit

    from refocus_cli.core.text import clean_text

    url = clean_text(text, "--base-url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            f"--base-url {text!r} is not a web address: give the one people reach the feeds "
            "at, e.g. https://calendars.example.nhs.uk"
        )
    return url.rstrip("/")


def make_feeds(store: Store) -> tuple[int, int]:
    """Give everyone still in the programme (and every cohort) a feed, and revoke those
    of people and teams who have left; (made, revoked)."""
    return feed_store.refresh(store, new_token)


@dataclass(frozen=True)
class Ready:
    """What a server about to start will serve: how many feeds, how many were just made
    and revoked (of those who left)."""

    count: int
    made: int
    revoked: int


def ready_to_serve(store: Store, manual: Path | None = None, *, make: bool = True) -> Ready:
    """Check the curriculum reads (feeds are rendered with it) and, with `make`, give a
    feed to anyone without one; how many feeds there are to serve."""
    from refocus_cli.services import manual as manual_service

    manual_service.curriculum(store, manual)
    made, revoked = make_feeds(store) if make else (0, 0)
    return Ready(len(feed_store.feeds(store)), made, revoked)


def build_feeds(store: Store, folder: Path, manual: Path | None = None) -> Built:
    """Write every active feed to `folder` as TOKEN.ics (making missing feeds first), and
    remove the files of revoked ones; for any web server or share to serve."""
    from refocus_cli.render.files import write_atomically
    from refocus_cli.services import manual as manual_service
    from refocus_cli.services.calendars import Milestones

    _writable_folder(folder)
    curriculum = manual_service.curriculum(store, manual)
    made, revoked = make_feeds(store)
    rows = feed_store.feeds(store, revoked=True)
    chosen = _everyones_sessions(store, curriculum)
    windows = Milestones(store, manual, every_owner=True)
    written = removed = 0
    for row in rows:
        path = folder / f"{row.token}.ics"
        if row.revoked_at is None:
            milestones = windows.of(row.kind, row.owner_id)
            write_atomically(path, _document(store, row, chosen(row), milestones))
            written += 1
        elif path.exists():
            path.unlink()
            removed += 1
    return Built(folder, written, made, revoked, removed)


def _everyones_sessions(
    store: Store, curriculum: Curriculum
) -> Callable[[FeedRow], list[CalendarSession]]:
    """Each feed's sessions, for writing every feed at once: the staff's are worked out
    together (see store.feeds.staff_sessions) and taken from one reading of all sessions;
    the other kinds are read per feed, as `export ics` reads them."""
    from refocus_cli.store import calendar

    every = calendar.calendar_sessions(store, curriculum, "all")
    place = {session.id: n for n, session in enumerate(every)}  # in time order
    staff = feed_store.staff_sessions(store, curriculum)

    def sessions(row: FeedRow) -> list[CalendarSession]:
        if row.kind != "staff":
            return calendar.calendar_sessions(store, curriculum, row.kind, str(row.owner_id))
        return [every[n] for n in sorted(place[i] for i in staff.get(row.owner_id, ()))]

    return sessions


def _writable_folder(folder: Path) -> None:
    """Make the folder if missing; refuse, before anything is written, one that is not
    a folder or cannot be written to."""
    import os

    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder: give feeds build a folder to write to")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(
            f"cannot make the folder {folder} ({exc.strerror}): choose another"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(f"cannot write to {folder}: choose a folder you may write to")


def feed_document(
    store: Store, row: FeedRow, curriculum: Curriculum, manual: Path | None = None
) -> bytes:
    """The feed's calendar: the owner's sessions and measurement windows (as `export ics`
    chooses them)."""
    from refocus_cli.services.calendars import Milestones
    from refocus_cli.store import calendar

    sessions = calendar.calendar_sessions(store, curriculum, row.kind, str(row.owner_id))
    milestones = Milestones(store, manual).of(row.kind, row.owner_id)
    return _document(store, row, sessions, milestones)


def _document(
    store: Store,
    row: FeedRow,
    sessions: list[CalendarSession],
    milestones: list[CalendarMilestone],
) -> bytes:
    from refocus_cli.core.calendar import first_and_last_year
    from refocus_cli.render.feeds import feed_ics

    programme = store.programme()
    stamps = [session.modified for session in sessions] + [m.created for m in milestones]
    stamp = max(stamps) if stamps else datetime.fromisoformat(programme["created_at"])
    return feed_ics(
        sessions,
        programme["timezone"],
        name=f"{programme['name']} - {row.owner}",
        years=first_and_last_year(sessions, store.today()),
        stamp=stamp,
        milestones=milestones,
    )


def revoke(store: Store, token: str | None, kind: str | None, ref: str | None) -> list[Feed]:
    """Revoke a feed by its token, or every active feed of one owner (none: nothing to
    do); those revoked."""
    rows, _owner = _chosen(store, token, kind, ref)
    feed_store.revoke(store, [row.id for row in rows])
    return [_shown(row) for row in rows]


def rotate(store: Store, token: str | None, kind: str | None, ref: str | None) -> list[Feed]:
    """Replace a feed's token with a new one (the old one stops), or give an owner
    without a feed its first; the new feeds."""
    rows, owner = _chosen(store, token, kind, ref)
    owners = [(row.kind, row.owner_id) for row in rows] or ([owner] if owner else [])
    with store.write():
        feed_store.revoke(store, [row.id for row in rows])
        for owner_kind, owner_id in owners:
            feed_store.add_feed(store, owner_kind, owner_id, new_token())
    fresh = {(r.kind, r.owner_id): r for r in feed_store.feeds(store)}
    return [_shown(fresh[key]) for key in owners]


def _chosen(
    store: Store, token: str | None, kind: str | None, ref: str | None
) -> tuple[list[FeedRow], tuple[str, int] | None]:
    """The active feeds named (by token, or by owner), and the owner named, if one was."""
    if (token is None) == (kind is None):
        raise InvalidInput(
            "name the feed by its token, or its owner with one of --trainer, --team, "
            "--staff or --cohort"
        )
    if token is not None:
        row = feed_store.active_feed(store, token.strip())
        if row is None:
            raise NotFound(f"no active feed has the token {token!r}: see `refocus feeds list`")
        return [row], None
    assert kind is not None and ref is not None
    from refocus_cli.store.calendar import owner_id as find_owner

    owner_id = find_owner(store, kind, ref)
    return feed_store.owner_feeds(store, kind, owner_id), (kind, owner_id)


@dataclass(frozen=True)
class Document:
    """A served feed: its ETag and its bytes (plain and gzipped)."""

    etag: str
    body: bytes
    gzipped: bytes


# What a served feed is made from, besides its token and the day: the database's change
# stamp and the manual's files (readers.manual.manual_stamp).
Changes = tuple[int, tuple[tuple[str, int, int], ...]]


class LiveFeeds:
    """Feeds read live from the database for a server: each serving thread has its own
    connection; rendered feeds are kept (gzipped) while their ETag holds."""

    CACHE_BYTES = 64 * 1024 * 1024

    def __init__(self, path: Path, manual: Path | None = None) -> None:
        from collections import OrderedDict

        self.path = path
        self.manual = manual
        self.local = threading.local()
        self.lock = threading.Lock()
        self.cache: OrderedDict[str, Document] = OrderedDict()
        self.cached_bytes = 0
        self.curriculum: tuple[Changes, Curriculum] | None = None

    def _store(self) -> Store:
        store: Store | None = getattr(self.local, "store", None)
        if store is None:
            from refocus_cli.services.context import actor, system_clock
            from refocus_cli.store.database import open_store

            store = open_store(self.path, system_clock, actor())
            self.local.store = store
        return store

    def release(self) -> None:
        """Close this thread's connection (a serving thread ends)."""
        store = getattr(self.local, "store", None)
        if store is not None:
            store.close()
            self.local.store = None

    def etag(self, token: str) -> str | None:
        """The feed's current ETag (quoted), or None for an unknown or revoked token."""
        found = self._current(token)
        return None if found is None else found[1]

    def _current(self, token: str) -> tuple[FeedRow, str, Changes] | None:
        """The active feed a token opens, its ETag and the change stamp it was made from."""
        import hashlib

        from refocus_cli import __version__

        store = self._store()
        row = feed_store.active_feed(store, token)
        if row is None:
            return None
        changed = (feed_store.change_stamp(store), manual_stamp(self.manual))
        stamp = f"{token}|{changed}|{store.today()}|{__version__}"
        return row, '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"', changed

    def document(self, token: str) -> Document | None:
        """The feed as it is now, or None for an unknown or revoked token."""
        import gzip

        found = self._current(token)
        if found is None:
            return None
        row, etag, changed = found
        with self.lock:
            cached = self.cache.get(token)
            if cached is not None and cached.etag == etag:
                self.cache.move_to_end(token)
                return cached
        store = self._store()
        store._programme = None  # read again: the programme may have changed since
        body = feed_document(store, row, self._curriculum(store, changed), self.manual)
        made = Document(etag, body, gzip.compress(body, compresslevel=6, mtime=0))
        self._keep(token, made)
        return made

    def _curriculum(self, store: Store, changed: Changes) -> Curriculum:
        """The curriculum with the programme's overrides, read once per change."""
        from refocus_cli.services import manual as manual_service

        with self.lock:
            if self.curriculum is not None and self.curriculum[0] == changed:
                return self.curriculum[1]
        curriculum = manual_service.curriculum(store, self.manual)
        with self.lock:
            self.curriculum = (changed, curriculum)
        return curriculum

    def _keep(self, token: str, made: Document) -> None:
        with self.lock:
            old = self.cache.pop(token, None)
            if old is not None:
                self.cached_bytes -= len(old.body) + len(old.gzipped)
            self.cache[token] = made
            self.cached_bytes += len(made.body) + len(made.gzipped)
            while self.cached_bytes > self.CACHE_BYTES and self.cache:
                _, dropped = self.cache.popitem(last=False)
                self.cached_bytes -= len(dropped.body) + len(dropped.gzipped)
