"""Reading a calendar's events for a publish: a listing of ETags, then the events
refocus does not already know read in batches (calendar-multiget, RFC 4791 7.9)."""

from __future__ import annotations

from refocus_cli.render import caldav, webdav
from refocus_cli.render.caldav_sync import MULTIGET_BATCH, Held, Synced
from refocus_cli.render.webdav_connection import Server

MULTIGET_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
    "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
)


def _path(collection: str, href: str) -> str:
    """An href as the path it names, percent-encoding as refocus writes it."""
    from urllib.parse import quote, unquote, urljoin, urlsplit

    return quote(unquote(urlsplit(urljoin(collection, href)).path))


def etags(server: Server, collection: str) -> dict[str, str | None]:
    """Every resource in the calendar (not sub-collections) with its ETag, by path."""
    status, reason, body = server.request("PROPFIND", collection, webdav.ETAG_QUERY, {"Depth": "1"})
    server.check(status, reason, "PROPFIND", collection, expected=(207,))
    found: dict[str, str | None] = {}
    own = _path(collection, collection)
    for answer in webdav.multistatus(body, collection):
        path = _path(collection, answer.href)
        kinds = answer.props.get(f"{webdav.DAV}resourcetype")
        if path == own or (kinds is not None and len(kinds)):
            continue
        etag = answer.props.get(f"{webdav.DAV}getetag")
        found[path] = etag.text.strip() if etag is not None and etag.text else None
    return found


def held_events(
    server: Server, collection: str, synced: dict[str, Synced], programme: str, chosen: set[str]
) -> list[Held]:
    """Every event in the calendar. One still as refocus last wrote it (its ETag is the
    one stored) is taken from what was stored, unless it is to be deleted (then it is
    read, to say what it is); the others are read, and those refocus wrote are marked
    as this programme's, and as edited when their ETag changed since."""
    from dataclasses import replace

    listing = etags(server, collection)
    stored = {_path(collection, s.href): s for s in synced.values()}
    held: list[Held] = []
    unknown: list[str] = []
    for path, etag in listing.items():
        known = stored.get(path)
        if known is not None and etag is not None and known.etag == etag and known.uid in chosen:
            held.append(
                Held(path, etag, known.uid, known.sequence, known.digest, programme, "", "")
            )
        else:
            unknown.append(path)
    for start in range(0, len(unknown), MULTIGET_BATCH):
        for event in _read(server, collection, unknown[start : start + MULTIGET_BATCH]):
            was = synced.get(event.uid)
            if was is not None:
                edited = was.etag is not None and was.etag != event.etag
                event = replace(event, programme=programme, edited=edited)
            held.append(event)
    return held


def _read(server: Server, collection: str, paths: list[str]) -> list[Held]:
    """The events at `paths`, from one calendar-multiget."""
    from xml.sax.saxutils import escape

    body = MULTIGET_HEAD + "".join(f"<D:href>{escape(p)}</D:href>" for p in paths)
    body += "</C:calendar-multiget>"
    status, reason, answer = server.request("REPORT", collection, body.encode())
    server.check(status, reason, "REPORT", collection, expected=(207,))
    events = []
    for response in webdav.multistatus(answer, collection):
        data = response.props.get(f"{webdav.CALDAV}calendar-data")
        if data is None or not data.text:
            continue
        fields = caldav.event_fields(data.text)
        if not fields["UID"]:
            continue
        etag = response.props.get(f"{webdav.DAV}getetag")
        sequence = fields["SEQUENCE"] or "0"
        events.append(
            Held(
                href=_path(collection, response.href),
                etag=etag.text.strip() if etag is not None and etag.text else None,
                uid=fields["UID"],
                sequence=int(sequence) if sequence.isdigit() else 0,
                digest=fields[caldav.HASH_PROPERTY],
                programme=fields[caldav.PROGRAMME_PROPERTY],
                summary=fields["SUMMARY"] or "",
                start=fields["DTSTART"] or "",
            )
        )
    return events
