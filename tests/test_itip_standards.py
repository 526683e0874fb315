"""Every calendar mail the product sends passes libical's iTIP check (RFC 5546 restriction tables), and
keeps RFC 5546's ordering rules: a cancelled occurrence is an EXDATE in a series REQUEST and its own
CANCEL, a CANCEL's SEQUENCE is above the last REQUEST's for the same component, DTSTAMP is when the
message was made. A "this and following" split invites to the new series together with the old one's end.

Mail goes through the real worker (``run_burst_worker``) into the file outbox, as the journalists get it.
"""
from __future__ import annotations

import base64
import email
import email.policy
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.invitations import itip
from coordinator.mail.message import OutgoingMessage, to_email_message
from coordinator.mail.models import FanOut
from coordinator.schedule import operations as schedule
from coordinator.schedule.models import Briefing, Series
from tests.support import domain
from tests.support.libical_check import itip_errors
from tests.support.processes import run_burst_worker

SENDER = ("baochi@quangninh.gov.vn", "Văn phòng UBND tỉnh Quảng Ninh")


def _mails(app) -> list[email.message.EmailMessage]:
    files = sorted(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]


def _calendar_text(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/calendar").get_content()


def _recipient(message) -> str:
    return message["To"].addresses[0].addr_spec


def _occurrences(series: Series) -> list[Briefing]:
    return list(db.session.scalars(select(Briefing).where(Briefing.series_id == series.id)
                                   .order_by(Briefing.start)))


def _rid(event) -> datetime | None:
    rid = event.get("RECURRENCE-ID")
    return rid.dt.astimezone(UTC) if rid is not None else None


class Ledger:
    """Every calendar mail sent so far, each checked by libical and for SEQUENCE and DTSTAMP order."""

    def __init__(self, app):
        self.app = app
        self.seen = 0
        self.requests: dict[tuple, int] = {}  # (journalist, UID, RECURRENCE-ID) -> last REQUEST SEQUENCE
        self.kinds: list[str] = []

    def take(self, started: datetime) -> list[tuple[str, Calendar, object]]:
        """The mails sent since the last call: (METHOD, calendar, message), each checked."""
        mails = _mails(self.app)
        new, self.seen = mails[self.seen:], len(mails)
        out = []
        for message in new:
            text = _calendar_text(message)
            assert itip_errors(text) == [], (message["Subject"], text)
            cal = Calendar.from_ical(text)
            method = str(cal["METHOD"])
            for event in cal.walk("VEVENT"):
                # DTSTAMP: when this message was made, not when the record changed.
                assert started - timedelta(seconds=1) <= event["DTSTAMP"].dt <= datetime.now(UTC), message["Subject"]
                key = (_recipient(message), str(event["UID"]), _rid(event))
                sequence = int(event["SEQUENCE"])
                if method == "REQUEST":
                    self.requests[key] = sequence
                else:
                    related = [seq for (who, uid, rid), seq in self.requests.items()
                               if who == key[0] and uid == key[1] and (key[2] is None or rid in (None, key[2]))]
                    assert related and sequence > max(related), (message["Subject"], sequence, related)
            out.append((method, cal, message))
        return out


def _run(app_env) -> datetime:
    started = datetime.now(UTC).replace(microsecond=0)
    run_burst_worker(app_env)
    return started


def test_libical_check_refuses_a_cancelled_override_in_a_request(app, office):
    """The check is meaningful: the series REQUEST as it was built before (the feed's form, with the
    cancelled occurrence as a STATUS:CANCELLED override) fails it; the REQUEST sent now passes."""
    people = domain.journalists(office, 1)
    series = domain.weekly_series(office, people, lead_days=30)
    cancelled = _occurrences(series)[2]
    schedule.update_briefing(cancelled, {"status": "cancelled"})
    db.session.commit()
    old_form = itip.calendar("REQUEST", itip._feed_components(series), office=office, sender=SENDER,
                             journalist=people[0])
    errors = itip_errors(old_form)
    assert errors and any("STATUS" in error for error in errors), errors
    sent_form = itip.calendar("REQUEST", itip.series_components(series), office=office, sender=SENDER,
                              journalist=people[0])
    assert itip_errors(sent_form) == []
    (master,) = [e for e in Calendar.from_ical(sent_form).walk("VEVENT") if "RECURRENCE-ID" not in e]
    exdates = [d.dt.astimezone(UTC) for d in master["EXDATE"].dts]
    assert cancelled.recurrence_id in exdates
    assert "STATUS:CANCELLED" not in sent_form


def test_every_kind_of_invitation_mail_passes_libical(app, app_env, office):
    people = domain.journalists(office, 2)
    ledger = Ledger(app)
    # Series REQUEST, already with a cancelled occurrence (an EXDATE, never a cancelled override).
    series = domain.weekly_series(office, people, lead_days=30)
    rows = _occurrences(series)
    schedule.update_briefing(rows[1], {"status": "cancelled"})
    db.session.commit()
    sent = ledger.take(_run(app_env))
    assert [m for m, _c, _m in sent] == ["REQUEST", "REQUEST"]
    kinds = {"series request"}
    for _method, cal, _message in sent:
        (master,) = [e for e in cal.walk("VEVENT") if "RECURRENCE-ID" not in e]
        assert rows[1].recurrence_id in [d.dt.astimezone(UTC) for d in master["EXDATE"].dts]
        # Nothing more is sent for it: the series REQUEST already carries the cancellation.
    # An occurrence update and an occurrence CANCEL.
    moved, dropped = rows[2], rows[3]
    schedule.update_briefing(moved, {"start": (moved.start + timedelta(hours=1)).isoformat(),
                                     "end": (moved.end + timedelta(hours=1)).isoformat()})
    schedule.update_briefing(dropped, {"status": "cancelled"})
    db.session.commit()
    sent = ledger.take(_run(app_env))
    methods = sorted(m for m, _c, _m in sent)
    assert methods == ["CANCEL", "CANCEL", "REQUEST", "REQUEST"]
    for method, cal, _message in sent:
        (event,) = cal.walk("VEVENT")
        assert _rid(event) == (moved if method == "REQUEST" else dropped).recurrence_id
    kinds |= {"occurrence update", "occurrence cancel"}
    # A series update after them (a new SEQUENCE): the cancelled ones are EXDATEs, still clean.
    schedule.update_series(db.session.get(Series, series.id), {"venue": "Phòng họp số 3"})
    db.session.commit()
    sent = ledger.take(_run(app_env))
    assert [m for m, _c, _m in sent] == ["REQUEST", "REQUEST"]
    # The whole series CANCEL, for a journalist taken off the audience.
    schedule.update_series(db.session.get(Series, series.id), {"audience": {"journalist_ids": [people[0].id]}})
    db.session.commit()
    sent = ledger.take(_run(app_env))
    cancels = [(cal, message) for method, cal, message in sent if method == "CANCEL"]
    assert len(cancels) == 1 and _recipient(cancels[0][1]) == people[1].email
    (event,) = cancels[0][0].walk("VEVENT")
    assert "RECURRENCE-ID" not in event and str(event["UID"]) == series.uid
    kinds.add("series cancel")
    # Ad hoc: REQUEST, update, CANCEL; and a crisis REQUEST.
    briefing = domain.adhoc(office, people[:1])
    ledger.take(_run(app_env))
    schedule.update_briefing(briefing, {"venue": "Nhà khách UBND tỉnh"})
    db.session.commit()
    ledger.take(_run(app_env))
    schedule.update_briefing(briefing, {"status": "cancelled"})
    db.session.commit()
    sent = ledger.take(_run(app_env))
    assert [m for m, _c, _m in sent] == ["CANCEL"]
    domain.adhoc(office, people, crisis=True, title="Họp báo khẩn: sạt lở đất",
                 start=datetime.now(UTC) + timedelta(hours=3))
    sent = ledger.take(_run(app_env))
    assert len(sent) == 2 and all(str(cal.walk("VEVENT")[0]["PRIORITY"]) == "1" for _m, cal, _x in sent)
    kinds |= {"ad hoc request", "ad hoc update", "ad hoc cancel", "crisis request"}
    assert len(kinds) == 8


def test_a_series_cancel_outranks_every_occurrence_update(app, app_env, office):
    """An occurrence moved three times was last sent at SEQUENCE 3 while the series stayed at 0: the whole
    series' CANCEL (a journalist taken off the audience) must still be above it, not the series' SEQUENCE
    + 1 (a client would keep the occurrence)."""
    people = domain.journalists(office, 2)
    series = domain.weekly_series(office, people, lead_days=30)
    ledger = Ledger(app)
    ledger.take(_run(app_env))
    moved = _occurrences(series)[2]
    for hours in (1, 2, 3):
        schedule.update_briefing(moved, {"start": (moved.recurrence_id + timedelta(hours=hours)).isoformat(),
                                         "end": (moved.recurrence_id + timedelta(hours=hours + 1)).isoformat()})
        db.session.commit()
        ledger.take(_run(app_env))
    assert ledger.requests[(people[1].email, series.uid, moved.recurrence_id)] == 3
    schedule.update_series(db.session.get(Series, series.id), {"audience": {"journalist_ids": [people[0].id]}})
    db.session.commit()
    sent = ledger.take(_run(app_env))  # the Ledger checks each CANCEL's SEQUENCE against what was sent
    (cancel,) = [cal for method, cal, message in sent if method == "CANCEL"]
    assert int(cancel.walk("VEVENT")[0]["SEQUENCE"]) > 3


def test_an_occurrence_cancel_outranks_the_series_request(app, office):
    """An occurrence never changed on its own sits at the series' SEQUENCE: its CANCEL goes above it."""
    people = domain.journalists(office, 1)
    series = domain.weekly_series(office, people, lead_days=30)
    row = _occurrences(series)[1]
    series.sequence = row.sequence = 2
    assert itip.cancel_sequence(row) == 3


def test_a_split_invites_the_new_series_with_the_old_ones_end(app, app_env, office):
    """'This and following' far ahead of the new half's own invitation time: the old series' update
    (UNTIL) and the new series' REQUEST are planned together and both reach the invited at once."""
    people = domain.journalists(office, 2)
    series = domain.weekly_series(office, people, lead_days=7)
    ledger = Ledger(app)
    assert len(ledger.take(_run(app_env))) == 2
    cut = _occurrences(series)[6]  # six weeks ahead: the new half's own invitation time is five weeks off
    assert cut.start - timedelta(days=7) > datetime.now(UTC) + timedelta(days=30)
    new = schedule.split_series(cut, {"venue": "Trung tâm Hội nghị tỉnh"})
    db.session.commit()
    sent = ledger.take(_run(app_env))  # one run of the worker: the split's event plans both
    planned = list(db.session.scalars(select(FanOut).where(FanOut.kind == "invite").order_by(FanOut.id)))
    assert [fan.series_id for fan in planned] == [series.id, series.id, new.id]
    assert len(sent) == 4 and all(method == "REQUEST" for method, _c, _m in sent)
    by_uid: dict[str, set[str]] = {}
    for _method, cal, message in sent:
        (master,) = [e for e in cal.walk("VEVENT") if "RECURRENCE-ID" not in e]
        by_uid.setdefault(str(master["UID"]), set()).add(_recipient(message))
        if str(master["UID"]) == series.uid:
            assert master["RRULE"]["UNTIL"][0].astimezone(UTC) < cut.recurrence_id
        else:
            assert master["DTSTART"].dt.astimezone(UTC) == cut.recurrence_id
            assert "Trung tâm Hội nghị tỉnh" in str(master["LOCATION"])
    everyone = {person.email for person in people}
    assert by_uid == {series.uid: everyone, new.uid: everyone}


def test_a_split_before_the_series_was_sent_waits_for_its_time(app, app_env, office):
    """Nothing was sent yet (the old series is far ahead): the new half is not invited early either."""
    people = domain.journalists(office, 1)
    start = datetime.now(domain.VN).replace(tzinfo=None) + timedelta(days=60)
    series = domain.weekly_series(office, people, lead_days=7, start=start.replace(hour=15, minute=0))
    run_burst_worker(app_env)
    schedule.split_series(_occurrences(series)[3], {"venue": "Phòng 2"})
    db.session.commit()
    run_burst_worker(app_env)
    assert _mails(app) == []


def test_smtp_calendar_part_says_utf8():
    message = OutgoingMessage(key="k", office_id=1, office_slug="qn", purpose="invite", to_email="a@b.vn",
                              to_name="Nguyễn Thị Hạnh", from_email=SENDER[0], from_name=SENDER[1],
                              subject="Giấy mời", text="Kính mời", html="<p>Kính mời</p>",
                              calendar="BEGIN:VCALENDAR\r\nSUMMARY:Họp báo\r\nEND:VCALENDAR\r\n",
                              calendar_method="CANCEL")
    part = next(p for p in to_email_message(message).walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("charset").lower() == "utf-8" and part.get_param("method") == "CANCEL"
    assert "Họp báo" in part.get_content()


def test_sendgrid_calendar_part_is_what_the_provider_accepts():
    """SendGrid allows ';' in a content type only as ``text/calendar; method=…`` and adds
    ``charset=UTF-8`` to the part itself (its maintainers: sendgrid-java#552, sendgrid-ruby#298); a
    ``charset`` parameter in the payload is refused with 400, so every invitation would fail. The payload
    carries the method only, and the calendar as UTF-8 text (Vietnamese as is, and UTF-8 in the .ics)."""
    from coordinator.mail.backends import SendGridBackend
    from tests.servers.sendgrid_fake import validate_mail_send

    calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Họp báo định kỳ\r\nEND:VCALENDAR\r\n"
    message = OutgoingMessage(key="k", office_id=1, office_slug="qn", purpose="invite", to_email="a@b.vn",
                              to_name="Nguyễn Thị Hạnh", from_email=SENDER[0], from_name=SENDER[1],
                              subject="Giấy mời", text="Kính mời", html="<p>Kính mời</p>", calendar=calendar)
    body = SendGridBackend.payload(message)
    part = body["content"][-1]
    assert part == {"type": "text/calendar; method=REQUEST", "value": calendar}
    assert validate_mail_send(body) == []
    ics = next(a for a in body["attachments"] if a["filename"] == "invite.ics")
    assert base64.b64decode(ics["content"]).decode("utf-8") == calendar
    part["type"] += "; charset=UTF-8"
    assert [error["field"] for error in validate_mail_send(body)] == ["content.2.type"]
