"""Invitations end to end through real worker processes: each invite parsed with Python's ``email``
package and ``icalendar``, checked for METHOD, SEQUENCE, one ATTENDEE, ORGANIZER and VTIMEZONE."""
from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import select

from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.invitations.tokens import invitation_token
from coordinator.mail.models import FanOut, Suppression
from coordinator.schedule import operations as schedule
from coordinator.schedule.models import Briefing
from tests.support import domain
from tests.support.libical_check import itip_errors
from tests.support.processes import run_burst_worker


def outbox(app) -> list[email.message.EmailMessage]:
    files = sorted(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"), key=lambda p: p.stat().st_mtime)
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]


def calendar_of(message) -> Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def by_recipient(messages) -> dict[str, list]:
    out: dict[str, list] = {}
    for message in messages:
        out.setdefault(message["To"].addresses[0].addr_spec, []).append(message)
    return out


def check_itip(message, method: str, journalist_email: str, office_email: str = "baochi@quangninh.gov.vn"):
    cal = calendar_of(message)
    assert str(cal["METHOD"]) == method
    calendar_part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == method
    assert itip_errors(calendar_part.get_content()) == [], "libical's iTIP check (RFC 5546)"
    assert cal.walk("VTIMEZONE"), "every TZID needs its VTIMEZONE"
    events = cal.walk("VEVENT")
    assert events
    for event in events:
        attendees = event.get("ATTENDEE")
        assert not isinstance(attendees, list), "exactly one ATTENDEE"
        assert str(attendees).lower() == f"mailto:{journalist_email}"
        assert attendees.params["RSVP"] == "TRUE"
        assert str(event["ORGANIZER"]).lower() == f"mailto:{office_email}"
        assert "SEQUENCE" in event
    ics = [p for p in message.iter_attachments() if p.get_filename() == "invite.ics"]
    assert len(ics) == 1 and ics[0].get_content_type() == "application/ics"
    return cal


def test_crisis_briefing_invites_everyone_at_once(app, app_env, make_office):
    office = make_office("quang-ninh", "Văn phòng UBND tỉnh Quảng Ninh", sender_email="baochi@quangninh.gov.vn")
    people = domain.journalists(office, 3)
    briefing = domain.adhoc(office, people, crisis=True, start=datetime.now(UTC) + timedelta(minutes=60))
    run_burst_worker(app_env)
    messages = outbox(app)
    assert len(messages) == 3
    received = by_recipient(messages)
    for person in people:
        (message,) = received[person.email]
        # The title already says what it is: not "Giấy mời họp báo: Họp báo…"
        assert message["Subject"].startswith("KHẨN – Giấy mời: Họp báo về tình hình mưa lũ")
        cal = check_itip(message, "REQUEST", person.email)
        (event,) = cal.walk("VEVENT")
        assert str(event["UID"]) == briefing.uid and int(event["SEQUENCE"]) == 0
        assert event["DTSTART"].dt.astimezone(UTC) == briefing.start.replace(second=0, microsecond=0)
        assert message["List-Unsubscribe"].strip().startswith("<http://briefings.test/u/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(("plain",)).get_content()
        assert "/rsvp/accepted" in text and "/rsvp/declined" in text
        # One register, formal throughout: "Quý phóng viên", never the familiar "bạn".
        assert "Đề nghị Quý phóng viên xác nhận tham dự" in text
        for body in (text, message.get_body(("html",)).get_content()):
            assert not re.search(r"\bbạn\b", body, re.IGNORECASE), re.search(r".{40}\bbạn\b.{20}", body, re.I)
        invitation = db.session.scalar(select(Invitation).where(Invitation.journalist_id == person.id))
        assert invitation.checkin_code in text
        assert "/qr.png" in message.get_body(("html",)).get_content()  # the QR code, served by its own link
        # Nobody else's address appears anywhere in this message.
        raw = message.as_string()
        assert all(other.email not in raw for other in people if other.id != person.id)
    fan = db.session.scalar(select(FanOut))
    assert (fan.total, fan.sent, fan.finished_at is not None) == (3, 3, True)
    # A second worker run sends nothing again.
    run_burst_worker(app_env)
    assert len(outbox(app)) == 3


def test_series_is_invited_once_as_a_series(app, app_env, office):
    people = domain.journalists(office, 2)
    series = domain.weekly_series(office, people, lead_days=14)
    run_burst_worker(app_env)
    messages = outbox(app)
    assert len(messages) == 2
    cal = check_itip(messages[0], "REQUEST", messages[0]["To"].addresses[0].addr_spec)
    master = [e for e in cal.walk("VEVENT") if "RECURRENCE-ID" not in e]
    assert len(master) == 1 and "RRULE" in master[0] and str(master[0]["UID"]) == series.uid
    # Materialising more occurrences later sends nothing more.
    schedule.ensure_materialised(office.id, datetime.now(UTC) + timedelta(days=800), series.id)
    db.session.commit()
    run_burst_worker(app_env)
    assert len(outbox(app)) == 2


def test_series_far_ahead_waits_for_its_lead_time(app, app_env, office):
    people = domain.journalists(office, 2)
    start = datetime.now(domain.VN).replace(tzinfo=None) + timedelta(days=60)
    series = domain.weekly_series(office, people, lead_days=7, start=start.replace(hour=15, minute=0))
    run_burst_worker(app_env)
    assert outbox(app) == []
    due = db.session.scalar(select(OutboxEvent).where(OutboxEvent.kind == "invitations.due"))
    first = db.session.scalar(select(Briefing).where(Briefing.series_id == series.id).order_by(Briefing.start))
    assert due.due_at == first.start - timedelta(days=7) and due.processed_at is None


def test_occurrence_move_and_cancel_reach_only_the_invited(app, app_env, office):
    people = domain.journalists(office, 2)
    series = domain.weekly_series(office, people, lead_days=30)
    run_burst_worker(app_env)
    assert len(outbox(app)) == 2
    occurrences = list(db.session.scalars(select(Briefing).where(Briefing.series_id == series.id)
                                          .order_by(Briefing.start)))
    moved, cancelled = occurrences[1], occurrences[2]
    schedule.update_briefing(moved, {"start": (moved.start + timedelta(hours=2)).isoformat(),
                                     "end": (moved.end + timedelta(hours=2)).isoformat(),
                                     "venue": "Phòng họp số 2"})
    schedule.update_briefing(cancelled, {"status": "cancelled"})
    db.session.commit()
    run_burst_worker(app_env)
    messages = outbox(app)[2:]
    assert len(messages) == 4
    updates = [m for m in messages if str(calendar_of(m)["METHOD"]) == "REQUEST"]
    cancels = [m for m in messages if str(calendar_of(m)["METHOD"]) == "CANCEL"]
    assert len(updates) == 2 and len(cancels) == 2
    for message in updates:
        (event,) = check_itip(message, "REQUEST", message["To"].addresses[0].addr_spec).walk("VEVENT")
        assert event["RECURRENCE-ID"].dt.astimezone(UTC) == moved.recurrence_id
        assert int(event["SEQUENCE"]) >= 1
        assert "Phòng họp số 2" in message.get_body(("plain",)).get_content()
    for message in cancels:
        (event,) = check_itip(message, "CANCEL", message["To"].addresses[0].addr_spec).walk("VEVENT")
        assert event["RECURRENCE-ID"].dt.astimezone(UTC) == cancelled.recurrence_id
        assert str(event["STATUS"]) == "CANCELLED"


def test_adhoc_edit_and_cancel(app, app_env, office):
    people = domain.journalists(office, 1)
    briefing = domain.adhoc(office, people)
    run_burst_worker(app_env)
    schedule.update_briefing(briefing, {"venue": "Nhà khách UBND tỉnh"})
    db.session.commit()
    run_burst_worker(app_env)
    update = outbox(app)[-1]
    (event,) = check_itip(update, "REQUEST", people[0].email).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1 and "Nhà khách UBND tỉnh" in str(event["LOCATION"])
    assert update["Subject"].startswith("Cập nhật:")
    assert "Địa điểm" in update.get_body(("plain",)).get_content()
    schedule.update_briefing(briefing, {"status": "cancelled"})
    db.session.commit()
    run_burst_worker(app_env)
    cancel = outbox(app)[-1]
    (event,) = check_itip(cancel, "CANCEL", people[0].email).walk("VEVENT")
    assert str(event["UID"]) == briefing.uid


def test_leaving_the_audience_sends_a_cancel(app, app_env, office):
    people = domain.journalists(office, 2)
    series = domain.weekly_series(office, people, lead_days=30)
    run_burst_worker(app_env)
    schedule.update_series(series, {"audience": {"journalist_ids": [people[0].id]}, "venue": "Phòng 3"})
    db.session.commit()
    run_burst_worker(app_env)
    later = by_recipient(outbox(app)[2:])
    assert str(calendar_of(later[people[1].email][0])["METHOD"]) == "CANCEL"
    assert str(calendar_of(later[people[0].email][0])["METHOD"]) == "REQUEST"


def test_bounced_journalists_are_not_mailed(app, app_env, office):
    from coordinator.contacts.operations import set_status

    people = domain.journalists(office, 3)
    set_status(people[1], "bounced", "550 mailbox unavailable")
    db.session.commit()
    domain.adhoc(office, people)
    run_burst_worker(app_env)
    assert {m["To"].addresses[0].addr_spec for m in outbox(app)} == {people[0].email, people[2].email}
    assert db.session.scalar(select(Suppression.email)) == people[1].email


def test_english_journalist_gets_english_mail(app, app_env, office):
    people = domain.journalists(office, 1, language="en")
    domain.adhoc(office, people, title="Press conference on the floods")
    run_burst_worker(app_env)
    (message,) = outbox(app)
    assert message["Subject"].startswith("Invitation: Press conference on the floods")
    assert "Please let us know whether you will attend:" in message.get_body(("plain",)).get_content()
    # The date spelt out (a reader cannot tell 07/12 from 12/07): "Monday 7 December 2026, 15:00".
    assert re.search(r"– (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} "
                     r"(January|February|March|April|May|June|July|August|September|October|November|December) "
                     r"\d{4}, \d{2}:\d{2}", message["Subject"]), message["Subject"]


def test_rsvp_link_records_the_answer(app, app_env, client, office):
    people = domain.journalists(office, 1)
    domain.adhoc(office, people)
    run_burst_worker(app_env)
    invitation = db.session.scalar(select(Invitation))
    token = invitation_token(invitation)
    page = client.get(f"/i/{token}/rsvp/accepted")  # a page with one button; the button answers
    assert page.status_code == 200 and f'action="/i/{token}/rsvp/accepted"' in page.get_data(as_text=True)
    response = client.post(f"/i/{token}/rsvp/accepted")
    assert response.status_code == 302
    db.session.refresh(invitation)
    assert (invitation.rsvp, invitation.rsvp_source) == ("accepted", "link")
    page = client.get(f"/i/{token}").get_data(as_text=True)
    assert invitation.checkin_code in page and "Tham dự" in page
    assert client.get(f"/i/{token}/qr.png").headers["Content-Type"] == "image/png"
    assert client.get("/i/forged-token/rsvp/accepted").status_code == 410
    assert client.post("/i/forged-token/rsvp/accepted").status_code == 410
    assert client.get(f"/i/{token}/rsvp/maybe-later").status_code == 404
    assert client.post(f"/i/{token}/rsvp/maybe-later").status_code == 404
