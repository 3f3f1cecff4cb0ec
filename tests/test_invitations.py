"""`refocus invite` against a real SMTP server (aiosmtpd on 127.0.0.1, started here).

Every message is parsed back with the `email` package and its calendar part with
icalendar, and checked against the iTIP rules (RFC 5546 3.2.2 REQUEST, 3.2.5 CANCEL,
3.2.1 PUBLISH) written out below as a list, and the iMIP rules (RFC 6047).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import json
import socket
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import copy_database, on_database, succeeding
from icalendar import Calendar

TEAM = "Riverside CMHT"
OTHER = "Hillview EIP"
ORGANISER = "Zoë Coördinator <co@nhs.example>"
# Name, team, email: an accented name, and someone with no email at all.
STAFF = [
    ("Siobhán Ní Bhriain", TEAM, "siobhan@nhs.example"),
    ("Tom Price", TEAM, "tom@nhs.example"),
    ("Una Noemail", TEAM, None),
    ("Hari Patel", OTHER, "hari@nhs.example"),
    ("Dara <O'Neill> & Co", OTHER, "dara@nhs.example"),  # markup stays text
]
STAGES = "workshop,working-practices,coaching,practice-change"
FEWER = {"team-reflection": 2, "manager-reflection": 1, "supervision-reflection": 1}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping every message it accepts; it refuses one address."""

    refused = "bounce@nhs.example"

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def take(self) -> list[EmailMessage]:
        """The messages received since the last call, parsed."""
        taken, self.envelopes = self.envelopes, []
        return [message_from_bytes(e.content, policy=policy.default) for e in taken]


@pytest.fixture(scope="module")
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


class FailsThird(Inbox):
    """Takes two messages, then answers the third with a temporary failure."""

    async def handle_DATA(self, server, session, envelope):
        if len(self.envelopes) == 2:
            return "451 4.3.0 try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="module")
def failing_smtp():
    from aiosmtpd.controller import Controller

    inbox = FailsThird()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def refusing_smtp():
    """A server that asks for a login and refuses every one."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=lambda *args: AuthResult(success=False, handled=False),
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two teams, four staff, two trainers, one cohort planned; built once."""
    db = tmp_path_factory.mktemp("invite") / "built.db"

    ok = succeeding(on_database(db))

    ok("init", "Invitation Trust", "--start", "2027-01-11")
    ok("team", "add", TEAM)
    ok("team", "add", OTHER)
    for name, team, email in STAFF:
        ok("staff", "add", name, "--team", team, "--start", "2026-01-01",
           *(["--email", email] if email else []))  # fmt: skip
    ok("trainer", "add", "Ruth Evans", "--email", "ruth@nhs.example", "--stages", STAGES)
    ok("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop",
       "--email", "dai@nhs.example")  # fmt: skip
    ok("venue", "add", "Room 1", "--capacity", "30")
    # Each test parses every message it is sent, and most messages are for the months
    # of reflection sessions: fewer of them here make a whole invite 57 messages, not
    # 152 (every kind of session is still there).
    for module, sessions in FEWER.items():
        ok("manual", "set", module, "--sessions", str(sessions))
    ok("cohort", "create", "WAVE1", "--team", TEAM, "--team", OTHER)
    ok("schedule", "WAVE1")
    return db


@pytest.fixture
def run(built, cli, env_setup, smtp) -> Callable:
    """This test's copy of the programme, and `run("invite", ...)` against the server."""
    copy_database(built, env_setup)
    port = smtp[1]

    def go(*args, port=port, env=None):
        if args and args[0] == "invite" and "--dry-run" not in args:  # a test's own come last
            args = ("invite", "--from", ORGANISER, "--smtp-host", "127.0.0.1",
                    "--smtp-port", str(port), *args[1:])  # fmt: skip
        return cli(*args, env=env)

    smtp[0].take()  # nothing left over from another test
    return go


@functools.cache
def _libical() -> ctypes.CDLL | None:
    """libical (Debian: apt-get install libical3), whose iTIP restriction check is the
    one the issue ran; None where it is not installed."""
    name = ctypes.util.find_library("ical")
    if name is None:
        return None
    lib = ctypes.CDLL(name)
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    return lib


def _libical_faults(data: bytes) -> list[str]:
    """What libical's iTIP restriction check says is wrong with an iCalendar object (it
    adds an X-LIC-ERROR property for each fault); nothing where libical is missing."""
    lib = _libical()
    if lib is None:
        return []
    component = lib.icalparser_parse_string(data)
    lib.icalrestriction_check(component)
    text = lib.icalcomponent_as_ical_string(component).decode()
    lib.icalcomponent_free(component)
    return [line for line in text.replace("\r\n ", "").splitlines() if "X-LIC-ERROR" in line]


def _calendar(message: EmailMessage) -> Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def _attendees(event) -> list:
    found = event.get("ATTENDEE", [])
    return found if isinstance(found, list) else [found]


# RFC 5546's restriction tables, as far as refocus's messages go: (rule, check).
def _itip_rules(calendar: Calendar) -> list[tuple[str, bool]]:
    method = str(calendar.get("METHOD"))
    events = calendar.walk("VEVENT")
    rules = [
        ("METHOD is PUBLISH, REQUEST or CANCEL", method in {"PUBLISH", "REQUEST", "CANCEL"}),
        ("one iTIP object, one UID", len({str(e["UID"]) for e in events}) == 1),
    ]
    for event in events:
        if method == "PUBLISH":
            rules.append(("PUBLISH never has ATTENDEE", "ATTENDEE" not in event))
            continue
        rules += [
            (f"{method} has ORGANIZER", "ORGANIZER" in event),
            (f"{method} has UID", "UID" in event),
            (f"{method} has SEQUENCE", "SEQUENCE" in event),
            (f"{method} has DTSTAMP", "DTSTAMP" in event),
            (f"{method} has at least one ATTENDEE", len(_attendees(event)) >= 1),
        ]
        if method == "REQUEST":
            rules += [
                ("REQUEST has DTSTART", "DTSTART" in event),
                ("REQUEST has SUMMARY", "SUMMARY" in event),
                ("REQUEST is not CANCELLED", str(event.get("STATUS", "")) != "CANCELLED"),
            ]
        else:
            rules.append(
                (
                    "CANCEL has no STATUS or STATUS:CANCELLED",
                    str(event.get("STATUS", "CANCELLED")) == "CANCELLED",
                )  # fmt: skip
            )
    return rules


def _check(message: EmailMessage) -> dict:
    """The iMIP and iTIP rules for one message; what it says, for the test to compare."""
    assert message.get_content_type() == "multipart/mixed"
    alternative = next(message.iter_parts())
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"], kinds
    part = list(alternative.iter_parts())[2]
    attachment = next(p for p in message.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    calendar = _calendar(message)
    method = str(calendar["METHOD"])
    assert part.get_param("method") == method and part.get_content_charset() == "utf-8"
    broken = [rule for rule, holds in _itip_rules(calendar) if not holds]
    assert not broken, broken
    assert not _libical_faults(part.get_content().encode())
    event = calendar.walk("VEVENT")[0]
    (attendee,) = _attendees(event)  # only the person it is sent to
    to = message["To"].addresses[0]
    assert str(attendee) == f"mailto:{to.addr_spec}"
    assert str(event["ORGANIZER"]) == "mailto:co@nhs.example"
    assert message["From"].addresses[0].display_name == "Zoë Coördinator"
    assert all(ord(ch) < 128 for ch in message.as_bytes().split(b"\n\n")[0].decode())
    return {
        "to": to.addr_spec,
        "name": to.display_name,
        "method": method,
        "uid": str(event["UID"]),
        "sequence": int(event["SEQUENCE"]),
        "status": str(event.get("STATUS", "")),
        "partstat": attendee.params.get("PARTSTAT"),
        "rsvp": attendee.params.get("RSVP"),
        "subject": str(message["Subject"]),
        "text": message.get_body(("plain",)).get_content(),
        "html": message.get_body(("html",)).get_content(),
    }


def _sessions(cli, *args) -> list[dict]:
    return json.loads(cli("sessions", *args, "--json").stdout)


def test_everyone_gets_their_own_invitations_and_a_second_run_sends_nothing(run, smtp, cli):
    planned = json.loads(run("invite", "--dry-run", "--json").stdout)
    assert smtp[0].take() == []  # a dry run sends nothing
    done = run("invite")
    assert done.exit_code == 0, done.stderr
    sent = [_check(m) for m in smtp[0].take()]
    assert len(sent) == len(planned["messages"]) > 0
    assert {s["method"] for s in sent} == {"REQUEST"}
    assert {s["partstat"] for s in sent} == {"NEEDS-ACTION"}
    assert {s["rsvp"] for s in sent} == {"FALSE"}
    addresses = {s["to"] for s in sent}
    assert addresses == {e for _, _, e in STAFF if e} | {"ruth@nhs.example", "dai@nhs.example"}
    assert "Una Noemail" in done.stderr and "No email for 1 person" in done.stderr
    # One message per person and session: each session's UID once per person.
    assert len({(s["to"], s["uid"]) for s in sent}) == len(sent)
    siobhan = [s for s in sent if s["to"] == "siobhan@nhs.example"]
    assert siobhan[0]["name"] == "Siobhán Ní Bhriain"
    assert siobhan[0]["subject"].startswith("Invitation: REFOCUS ")
    assert "Dear Siobhán Ní Bhriain," in siobhan[0]["text"]
    assert "refocus attend" not in siobhan[0]["text"] and "`" not in siobhan[0]["text"]
    dara = next(s for s in sent if s["to"] == "dara@nhs.example")
    assert dara["name"] == "Dara <O'Neill> & Co"  # the header quotes it
    assert "Dear Dara &lt;O&#39;Neill&gt; &amp; Co," in dara["html"]
    team_sessions = [s for s in _sessions(cli, "--team", TEAM) if s["status"] == "scheduled"]
    assert len(siobhan) == len([s for s in team_sessions if s["module"] != "manager-reflection"])

    entries = [e for e in run("audit", "--limit", "0", "--json").json() if e["action"] == "send"]
    assert len(entries) == len(sent)  # each message sent is audited, to whom and at which SEQUENCE
    assert {(e["new"]["recipient"], e["new"]["uid"], e["new"]["sequence"]) for e in entries} == {
        (s["to"], s["uid"], s["sequence"]) for s in sent
    }

    again = run("invite")
    assert again.exit_code == 0 and smtp[0].take() == []
    assert "Nothing to send" in again.stderr


def test_a_move_updates_only_its_people_and_a_cancel_cancels(run, smtp, cli):
    assert run("invite", "--team", OTHER).exit_code == 0
    first = {(s["to"], s["uid"]): s for s in map(_check, smtp[0].take())}
    reflections = [s for s in _sessions(cli, "--team", OTHER) if s["module"] == "team-reflection"]
    session = reflections[-1]  # its last team reflection, moved a week later
    later = datetime.fromisoformat(session["start"]) + timedelta(days=7)
    moved = run("session", "move", str(session["id"]), "--to", f"{later:%Y-%m-%d %H:%M}")
    assert moved.exit_code == 0, moved.stderr
    assert run("invite", "--team", OTHER).exit_code == 0
    updates = [_check(m) for m in smtp[0].take()]
    uid = f"{session['uuid']}@refocus.invalid"
    assert {u["uid"] for u in updates} == {uid}
    assert {u["to"] for u in updates} == {
        "hari@nhs.example",
        "dara@nhs.example",
        "ruth@nhs.example",
    }
    for update in updates:
        assert update["method"] == "REQUEST" and update["subject"].startswith("Updated invitation")
        assert update["sequence"] == first[(update["to"], uid)]["sequence"] + 1

    assert run("session", "cancel", str(session["id"]), "--reason", "room flooded").exit_code == 0
    assert run("invite", "--team", OTHER).exit_code == 0
    cancels = [_check(m) for m in smtp[0].take()]
    assert {(c["to"], c["method"], c["status"]) for c in cancels} == {
        ("hari@nhs.example", "CANCEL", "CANCELLED"),
        ("dara@nhs.example", "CANCEL", "CANCELLED"),
        ("ruth@nhs.example", "CANCEL", "CANCELLED"),
    }
    assert all(c["sequence"] >= u["sequence"] for c in cancels for u in updates)
    assert run("invite", "--team", OTHER).exit_code == 0 and smtp[0].take() == []


def test_someone_who_leaves_gets_cancellations_for_their_future_sessions(run, smtp, cli):
    assert run("invite", "--staff", "tom@nhs.example").exit_code == 0
    invited = [_check(m) for m in smtp[0].take()]
    assert {i["to"] for i in invited} == {"tom@nhs.example"}  # --staff: only that person
    starts = {f"{s['uuid']}@refocus.invalid": s["start"][:10] for s in _sessions(cli)}
    days = sorted(starts[i["uid"]] for i in invited)
    day = date.fromisoformat(days[len(days) // 2 - 1])  # halfway through his sessions,
    while day.isoformat() in days:  # on a day he has none
        day += timedelta(days=1)
    leaving = day.isoformat()
    assert run("staff", "leave", "Tom Price", "--on", leaving).exit_code == 0
    assert run("invite", "--team", TEAM).exit_code == 0
    sent = [_check(m) for m in smtp[0].take()]
    tom = [s for s in sent if s["to"] == "tom@nhs.example"]
    assert tom and {t["method"] for t in tom} == {"CANCEL"}
    assert {t["status"] for t in tom} == {""}  # uninvited: the session itself goes ahead
    assert all(t["subject"].startswith("No longer needed: ") for t in tom)
    assert all(starts[t["uid"]] > leaving for t in tom)  # after the leaving date only
    assert any(starts[i["uid"]] <= leaving for i in invited)
    assert {t["uid"] for t in tom} == {i["uid"] for i in invited if starts[i["uid"]] > leaving}


def test_rsvp_is_asked_for_only_with_the_option(run, smtp):
    assert run("invite", "--trainer", "Dai Morgan", "--rsvp").exit_code == 0
    sent = [_check(m) for m in smtp[0].take()]
    assert sent and {s["rsvp"] for s in sent} == {"TRUE"}
    assert {s["to"] for s in sent} == {"dai@nhs.example"}


def test_a_refused_address_is_reported_and_not_recorded(run, smtp):
    assert run("staff", "edit", "Hari Patel", "--email", Inbox.refused).exit_code == 0
    done = run("invite", "--team", OTHER)
    assert done.exit_code == 0, done.stderr
    assert f"refused {Inbox.refused}" in done.stderr and "550" in done.stderr
    assert Inbox.refused not in {_check(m)["to"] for m in smtp[0].take()}
    again = json.loads(run("invite", "--team", OTHER, "--dry-run", "--json").stdout)
    assert {m["email"] for m in again["messages"]} == {Inbox.refused}


def _nothing_recorded(run) -> None:
    planned = json.loads(run("invite", "--dry-run", "--json").stdout)["messages"]
    assert planned and not any(m["update"] for m in planned)
    assert {m["method"] for m in planned} == {"REQUEST"}
    audit = run("audit", "--limit", "0", "--json")
    assert '"send"' not in audit.stdout


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_refused_login_sends_and_records_nothing(run, refusing_smtp):
    inbox, port = refusing_smtp
    done = run("invite", "--smtp-user", "co", port=port, env={"REFOCUS_SMTP_PASSWORD": "wrong"})
    assert done.exit_code == 1 and done.stderr.startswith("Error: ")
    assert "refused the login for co" in done.stderr and "Traceback" not in done.stderr
    assert inbox.take() == []
    _nothing_recorded(run)


def test_bad_settings_are_clear_errors_and_record_nothing(run, smtp):
    for args, env, words in [
        (("--smtp-port", str(_free_port())), None, "cannot reach the SMTP server"),
        (("--from", "not an address"), None, "--from 'not an address' is not an email"),
        (("--smtp-user", "co"), {"REFOCUS_SMTP_PASSWORD": None}, "REFOCUS_SMTP_PASSWORD"),
        (("--starttls", "--ssl"), None, "one of --starttls and --ssl"),
        (("--team", "Nowhere"), None, "no team"),
    ]:
        done = run("invite", *args, env=env)
        assert done.exit_code == 1, (args, done.stderr)
        assert done.stderr.startswith("Error: ") and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert smtp[0].take() == []
    _nothing_recorded(run)


def test_without_from_nothing_is_sent(cli, run, smtp, env_setup: Path):
    done = cli("invite", "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp[1]))
    assert done.exit_code == 1 and "--from" in done.stderr
    assert smtp[0].take() == []


def test_forgetting_someone_erases_the_addresses_they_were_sent_to(run, smtp, env_setup):
    assert run("invite", "--team", TEAM).exit_code == 0
    sent = [
        _check(m) for m in smtp[0].take() if m["To"].addresses[0].addr_spec == "tom@nhs.example"
    ]
    held = run("staff", "export", "Tom Price", "--json").json()["invitation_emails"]
    assert [(e["uid"], e["method"], e["sequence"], e["recipient"]) for e in held] == [
        (s["uid"], s["method"], s["sequence"], s["to"]) for s in sent
    ]
    assert "Invitation emails sent to them" in run("staff", "export", "Tom Price").stdout
    assert run("staff", "forget", "tom@nhs.example", "--yes").exit_code == 0
    for path in (env_setup, Path(f"{env_setup}-wal")):
        assert not path.exists() or b"tom@nhs.example" not in path.read_bytes()
    assert run("invite", "--team", TEAM).exit_code == 0
    assert smtp[0].take() == []  # no address left to send his cancellations to


def test_libical_passes_invitations_and_calendar_files_and_fails_the_old_ones(run, smtp, tmp_path):
    if _libical() is None:
        pytest.skip("libical is not installed (Debian and Ubuntu: apt-get install libical3)")
    # The checker itself: a PUBLISH naming attendees, as --with-attendees wrote it, fails.
    old = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nMETHOD:PUBLISH\r\n"
        "BEGIN:VEVENT\r\nUID:1@x\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270104T100000Z\r\n"
        "SUMMARY:x\r\nORGANIZER:mailto:co@nhs.example\r\nATTENDEE:mailto:tom@nhs.example\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert any("ATTENDEE" in fault for fault in _libical_faults(old.encode()))
    assert run("export", "ics", "--all", "-o", str(tmp_path / "all.ics")).exit_code == 0
    # libical also wants an ORGANIZER in every PUBLISH (RFC 5546 3.2.1), which RFC 5545
    # 3.8.4.3 forbids in events that are not group-scheduled; files follow RFC 5545.
    faults = _libical_faults((tmp_path / "all.ics").read_bytes())
    assert not [fault for fault in faults if "ORGANIZER property" not in fault], faults
    assert run("invite", "--team", OTHER).exit_code == 0
    assert [_check(m) for m in smtp[0].take()]  # each one checked by libical too


def test_a_run_that_stops_half_way_keeps_what_was_sent_and_the_next_sends_the_rest(
    run, smtp, failing_smtp
):
    planned = json.loads(run("invite", "--team", OTHER, "--dry-run", "--json").stdout)["messages"]
    done = run("invite", "--team", OTHER, port=failing_smtp[1])
    assert done.exit_code == 1 and done.stderr.startswith("Error: ")
    assert f"stopped after 2 of {len(planned)} messages" in done.stderr and "451" in done.stderr
    first = [_check(m) for m in failing_smtp[0].take()]
    left = json.loads(run("invite", "--team", OTHER, "--dry-run", "--json").stdout)["messages"]
    assert len(first) == 2 and len(left) == len(planned) - 2
    assert run("invite", "--team", OTHER).exit_code == 0
    rest = [_check(m) for m in smtp[0].take()]
    assert {(m["to"], m["uid"]) for m in first + rest} == {
        (m["email"], m["uid"]) for m in planned
    } and len(first + rest) == len(planned)


def test_the_rate_spaces_messages_out(run, smtp):
    started = time.monotonic()
    assert run("invite", "--trainer", "Dai Morgan", "--rate", "600").exit_code == 0
    sent = smtp[0].take()
    assert len(sent) >= 2
    assert time.monotonic() - started >= (len(sent) - 1) * 60 / 600  # 600 a minute: 0.1 s apart


def test_a_session_taken_out_of_the_plan_after_its_invitations_is_cancelled(run, smtp, cli):
    strengths = next(s for s in _sessions(cli, "--team", TEAM) if s["module"] == "strengths")
    assert run("session", "cancel", str(strengths["id"]), "--reason", "ill").exit_code == 0
    assert run("replan", "WAVE1").exit_code == 0  # puts a new strengths session in its place
    added = next(
        s for s in _sessions(cli, "--team", TEAM)
        if s["module"] == "strengths" and s["status"] == "scheduled"
    )  # fmt: skip
    assert run("invite", env={"REFOCUS_ACTOR": "bob"}).exit_code == 0  # someone else invites
    invited = {(m["to"], m["sequence"]) for m in map(_check, smtp[0].take())
               if m["uid"] == f"{added['uuid']}@refocus.invalid"}  # fmt: skip
    assert invited
    undone = run("undo", "--yes")  # the replan undone: the session it added is gone
    assert undone.exit_code == 0 and "taken away" in undone.stderr + undone.stdout
    assert run("invite", "--team", TEAM).exit_code == 0  # a team's run cannot tell
    assert smtp[0].take() == []
    assert run("invite").exit_code == 0
    cancels = [_check(m) for m in smtp[0].take()]
    assert {(c["to"], c["sequence"] - 1) for c in cancels} == invited
    assert {(c["method"], c["status"], c["uid"]) for c in cancels} == {
        ("CANCEL", "CANCELLED", f"{added['uuid']}@refocus.invalid")
    }
    assert all("taken out of the plan" in c["text"] for c in cancels)
    assert run("invite").exit_code == 0 and smtp[0].take() == []


def test_a_new_email_cancels_at_the_old_address_and_invites_at_the_new(run, smtp, cli):
    assert run("invite", "--team", OTHER).exit_code == 0
    first = [_check(m) for m in smtp[0].take()]
    old = {(s["to"], s["uid"]): s["sequence"] for s in first}
    moving = {
        "hari@nhs.example": "hari.patel@nhs.example",
        "ruth@nhs.example": "ruth.e@nhs.example",
    }
    assert run("staff", "edit", "Hari Patel", "--email", moving["hari@nhs.example"]).exit_code == 0
    assert (
        run("trainer", "edit", "Ruth Evans", "--email", moving["ruth@nhs.example"]).exit_code == 0
    )

    planned = json.loads(run("invite", "--team", OTHER, "--dry-run", "--json").stdout)["messages"]
    assert run("invite", "--team", OTHER).exit_code == 0
    sent = [_check(m) for m in smtp[0].take()]
    assert [(s["to"], s["uid"], s["method"]) for s in sent] == [
        (m["email"], m["uid"], m["method"]) for m in planned
    ]
    expected = []
    for (to, event), sequence in old.items():
        if to in moving:  # the old calendar drops it, then the new one gets it, higher
            expected += [
                (to, event, "CANCEL", sequence + 1),
                (moving[to], event, "REQUEST", sequence + 2),
            ]
    ours = {*moving, *moving.values()}
    assert sorted(
        (s["to"], s["uid"], s["method"], s["sequence"]) for s in sent if s["to"] in ours
    ) == sorted(expected)
    # Ruth's new address is in her sessions' events: everyone else gets those updated.
    assert {s["method"] for s in sent if s["to"] not in ours} == {"REQUEST"}
    for cancel in (s for s in sent if s["method"] == "CANCEL"):
        assert sent.index(cancel) < next(
            n
            for n, s in enumerate(sent)
            if s["uid"] == cancel["uid"]
            and s["method"] == "REQUEST"
            and s["to"] == moving[cancel["to"]]
        )
        assert cancel["subject"].startswith("Moved to your new address: ")
        assert "new email address" in cancel["text"]
        assert moving[cancel["to"]] not in cancel["text"] + cancel["html"]
        assert cancel["status"] == ""  # the session itself goes ahead
    new = [s for s in sent if s["to"] in moving.values()]
    assert new and all(s["subject"].startswith("Invitation: ") for s in new)

    held = run("staff", "export", "Hari Patel", "--json").json()["invitation_emails"]
    assert {e["recipient"] for e in held} == {"hari@nhs.example", "hari.patel@nhs.example"}
    assert run("invite", "--team", OTHER).exit_code == 0 and smtp[0].take() == []
