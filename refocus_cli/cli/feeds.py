"""`refocus feeds`: calendar feeds people subscribe to, kept current from the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.core.display import show_day
from refocus_cli.core.errors import InvalidInput
from refocus_cli.services.context import opened

app = typer.Typer(
    help="Calendar feeds (one per trainer, team, member of staff and cohort) to subscribe to.",
    no_args_is_help=True,
)

TokenArg = Annotated[
    str | None, typer.Argument(help="The feed's token, as `refocus feeds list` shows it.")
]
TrainerOpt = Annotated[str | None, typer.Option("--trainer", help="The feed of this trainer.")]
TeamOpt = Annotated[str | None, typer.Option("--team", help="The feed of this team.")]
StaffOpt = Annotated[str | None, typer.Option("--staff", help="The feed of this member of staff.")]
CohortOpt = Annotated[str | None, typer.Option("--cohort", help="The feed of this cohort.")]
COLUMNS = [("kind", "For"), ("owner", "Name"), ("path", "Path"), ("created", "Made")]


@app.command("build")
def build(
    out: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder to write the feeds (TOKEN.ics) to.")
    ],
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Write one .ics feed per trainer, team, member of staff and cohort into DIR.

    Each file is named by the feed's unguessable token; feeds are made for anyone
    without one, and files of revoked feeds are removed. `refocus feeds serve` serves
    the same feeds live instead.
    """
    from refocus_cli.services import feeds

    with opened(db) as store:
        built = feeds.build_feeds(store, out, manual)
    message(
        f"Wrote {built.written} feeds to {built.folder} ({built.made} new; {built.revoked} "
        f"revoked of people and teams who left; {built.removed} files of revoked feeds "
        "removed). `refocus feeds list` shows whose each is."
    )


@app.command("list")
def list_feeds(
    revoked: Annotated[bool, typer.Option("--revoked", help="Show revoked feeds too.")] = False,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Show full addresses, e.g. https://calendars.example.org"),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """List the feeds: whose sessions each gives and the address path it is served at."""
    from refocus_cli.services import feeds

    with opened(db) as store:
        found = feeds.list_feeds(store, revoked=revoked, base_url=base_url)
    rows = [feed.as_record() for feed in found]
    if not (as_json or as_csv):  # people read days with their weekday
        for row in rows:
            for key in ("created", "revoked"):
                day = row[key]
                row[key] = show_day(day) if day else None
    columns = COLUMNS + ([("revoked", "Revoked")] if revoked else [])
    emit(
        rows,
        columns,
        as_json=as_json,
        as_csv=as_csv,
        empty="No feeds yet: `refocus feeds build DIR` or `refocus feeds serve` makes them.",
        keep={"path"},
    )


def _owner(
    trainer: str | None, team: str | None, staff: str | None, cohort: str | None
) -> tuple[str | None, str | None]:
    given = [
        (kind, ref)
        for kind, ref in (
            ("trainer", trainer),
            ("team", team),
            ("staff", staff),
            ("cohort", cohort),
        )
        if ref is not None
    ]
    if len(given) > 1:
        raise InvalidInput("name one owner: one of --trainer, --team, --staff or --cohort")
    return given[0] if given else (None, None)


@app.command("revoke")
def revoke(
    token: TokenArg = None,
    trainer: TrainerOpt = None,
    team: TeamOpt = None,
    staff: StaffOpt = None,
    cohort: CohortOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Stop a feed for good: its address answers 404 from now on.

    `feeds build` (or `serve`) gives anyone still in the programme a new one.
    """
    from refocus_cli.services import feeds

    kind, ref = _owner(trainer, team, staff, cohort)
    with opened(db) as store:
        done = feeds.revoke(store, token, kind, ref)
    if as_json:
        print_json([feed.as_record() for feed in done])
        return
    for feed in done:
        message(f"Revoked the feed of {feed.kind} {feed.owner} ({feed.path}).")
    if not done:
        message(f"Nothing to revoke: {kind} {ref} has no active feed.")


@app.command("rotate")
def rotate(
    token: TokenArg = None,
    trainer: TrainerOpt = None,
    team: TeamOpt = None,
    staff: StaffOpt = None,
    cohort: CohortOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Give a feed a new address (say, when it was shared too widely); the old one stops.

    Named by its owner, one without a feed gets one.
    """
    from refocus_cli.services import feeds

    kind, ref = _owner(trainer, team, staff, cohort)
    with opened(db) as store:
        done = feeds.rotate(store, token, kind, ref)
    if as_json:
        print_json([feed.as_record() for feed in done])
        return
    for feed in done:
        message(f"The feed of {feed.kind} {feed.owner} is now at {feed.path}.")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8080,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Check it could serve (database, curriculum, port), then stop."
        ),
    ] = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Serve the feeds over HTTP, read live from the database, until stopped (Ctrl-C).

    Read-only: GET and HEAD of /feeds/TOKEN.ics, with ETag (304), gzip and cache
    headers; unknown or revoked tokens get 404. Put it behind your reverse proxy for
    HTTPS. Feeds are made first for anyone without one.
    """
    from refocus_cli.render import feed_server
    from refocus_cli.services import feeds

    live = feeds.LiveFeeds(db, manual)
    server = feed_server.start(host, port, live)
    try:
        with opened(db) as store:
            ready = feeds.ready_to_serve(store, manual, make=not check)
        address = f"http://{host}:{server.server_port}/feeds/TOKEN.ics"
        if check:
            message(f"Ready to serve {ready.count} feeds at {address} (--check: not started).")
            return
        message(
            f"Serving {ready.count} feeds ({ready.made} new, {ready.revoked} revoked of people "
            f"and teams who left) at {address}; stop with Ctrl-C."
        )
        if host not in ("127.0.0.1", "localhost", "::1"):
            message(
                "Warning: plain HTTP reachable from other machines: feed addresses travel "
                "unencrypted; serve on 127.0.0.1 behind a reverse proxy with TLS (see README)."
            )
        server.serve_forever()
    except KeyboardInterrupt:
        message("Stopped.")
    finally:
        server.server_close()
