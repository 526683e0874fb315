"""RSVP by links, portal and iMIP REPLY; staff answers on a journalist's behalf; reminders; portal;
one-click unsubscribe; the invitations API."""
from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from icalendar import Calendar, Event, vCalAddress
from sqlalchemy import func, select

from coordinator.core.audit import AuditLog
from coordinator.extensions import db
from coordinator.invitations.models import Invitation, OccurrenceRsvp
from coordinator.invitations.tokens import portal_token, unsubscribe_token
from coordinator.mail.models import FanOut, Suppression
from coordinator.schedule import operations as schedule
from coordinator.schedule.models import Briefing
from jobs import invitations as invitation_jobs
from tests.support import domain
from tests.support.processes import run_burst_worker


def outbox(app) -> list[email.message.EmailMessage]:
    files = sorted(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"), key=lambda p: p.stat().st_mtime)
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]


INBOUND_SECRET = "rsvp-tests-inbound-secret"
INBOUND = f"/webhooks/sendgrid/inbound/{INBOUND_SECRET}"


@pytest.fixture
def client(app):
    app.config["INBOUND_SECRET"] = INBOUND_SECRET
    return app.test_client()


@pytest.fixture
def invited_series(app, app_env, office):
    people = domain.journalists(office, 2)
    series = domain.weekly_series(office, people, lead_days=30)
    run_burst_worker(app_env)
    return series, people


def reply_mime(*, uid: str, attendee: str, partstat: str, sender: str | None = None,
               recurrence_id: datetime | None = None) -> bytes:
    cal = Calendar.new(prodid="-//Test client//EN", method="REPLY")
    event = Event.new(uid=uid, start=datetime.now(UTC) + timedelta(days=7), stamp=datetime.now(UTC))
    address = vCalAddress(f"mailto:{attendee}")
    address.params["PARTSTAT"] = partstat
    event.add("attendee", address, encode=False)
    event.add("organizer", vCalAddress("mailto:baochi@quangninh.gov.vn"), encode=False)
    if recurrence_id is not None:
        event.add("recurrence-id", recurrence_id)
    cal.add_component(event)
    message = EmailMessage()
    message["From"] = sender or attendee
    message["To"] = "baochi@quangninh.gov.vn"
    message["Subject"] = "Accepted: Họp báo định kỳ"
    message.set_content("Accepted")
    message.add_alternative(cal.to_ical().decode(), subtype="calendar", params={"method": "REPLY"})
    return message.as_bytes()


def test_imip_reply_accepts_the_series(client, invited_series):
    series, people = invited_series
    raw = reply_mime(uid=series.uid, attendee=people[0].email, partstat="ACCEPTED")
    response = client.post(INBOUND, data={"email": raw.decode(), "to": "x", "from": "y"})
    assert response.status_code == 200 and response.get_json()["recorded"] == 1
    invitation = db.session.scalar(select(Invitation).where(Invitation.journalist_id == people[0].id))
    assert (invitation.rsvp, invitation.rsvp_source) == ("accepted", "imip")


def test_imip_reply_for_one_occurrence(client, invited_series):
    series, people = invited_series
    occurrence = db.session.scalars(select(Briefing).where(Briefing.series_id == series.id)
                                    .order_by(Briefing.start)).all()[1]
    raw = reply_mime(uid=series.uid, attendee=people[1].email, partstat="DECLINED",
                     recurrence_id=occurrence.recurrence_id)
    assert client.post(INBOUND, data={"email": raw.decode()}).get_json()["recorded"] == 1
    row = db.session.scalar(select(OccurrenceRsvp))
    assert (row.briefing_id, row.rsvp) == (occurrence.id, "declined")
    invitation = db.session.get(Invitation, row.invitation_id)
    assert invitation.rsvp == "needs_action"  # the series answer is untouched


def test_imip_reply_from_someone_else_is_ignored(client, invited_series):
    series, people = invited_series
    raw = reply_mime(uid=series.uid, attendee=people[0].email, partstat="DECLINED", sender="intruder@evil.example")
    body = client.post(INBOUND, data={"email": raw.decode()}).get_json()
    assert body["recorded"] == 0
    assert db.session.scalar(select(Invitation.rsvp).where(Invitation.journalist_id == people[0].id)) == \
        "needs_action"


def test_imip_reply_as_attachment_and_bad_posts(client, invited_series):
    series, people = invited_series
    cal = Calendar.from_ical(email.message_from_bytes(
        reply_mime(uid=series.uid, attendee=people[0].email, partstat="TENTATIVE"),
        policy=email.policy.default).get_body(("calendar",)).get_content())
    from io import BytesIO

    response = client.post(INBOUND, data={
        "from": f"Nguyễn Thị Hạnh <{people[0].email}>",
        "attachment1": (BytesIO(cal.to_ical()), "invite.ics", "text/calendar")},
        content_type="multipart/form-data")
    assert response.get_json()["recorded"] == 1
    assert client.post(INBOUND).status_code == 400
    junk = client.post(INBOUND, data={"email": "not a calendar at all"})
    assert junk.status_code == 200 and junk.get_json()["recorded"] == 0


def test_staff_record_an_answer_by_phone(client, auth, admin, invited_series):
    series, people = invited_series
    occurrence = db.session.scalar(select(Briefing).where(Briefing.series_id == series.id).order_by(Briefing.start))
    invitation = db.session.scalar(select(Invitation).where(Invitation.journalist_id == people[0].id))
    auth.login(admin.email)
    page = client.get(f"/schedule/briefings/{occurrence.id}/invitations")
    assert page.status_code == 200 and people[0].full_name in page.get_data(as_text=True)
    response = client.post(f"/schedule/briefings/{occurrence.id}/invitations/{invitation.id}/rsvp",
                           data={"answer": "accepted", "scope": "all", "note": "Gọi điện lúc 9h"})
    assert response.status_code == 302
    db.session.refresh(invitation)
    assert (invitation.rsvp, invitation.rsvp_source) == ("accepted", "staff")
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "invitation.rsvp_by_staff")) is not None


def test_viewer_cannot_record_answers(client, auth, office, make_user, invited_series):
    series, people = invited_series
    occurrence = db.session.scalar(select(Briefing).where(Briefing.series_id == series.id))
    invitation = db.session.scalar(select(Invitation))
    auth.login(make_user(office, "viewer").email)
    assert client.post(f"/schedule/briefings/{occurrence.id}/invitations/{invitation.id}/rsvp",
                       data={"answer": "accepted"}).status_code == 403


def test_invitations_api(api, invited_series, other_office, make_user, api_as):
    series, people = invited_series
    occurrence = db.session.scalar(select(Briefing).where(Briefing.series_id == series.id).order_by(Briefing.start))
    body = api.get(f"/api/v1/briefings/{occurrence.id}/invitations").get_json()
    assert body["total"] == 2 and body["page"] == 1
    item = body["items"][0]
    assert set(item) >= {"journalist_id", "rsvp", "delivery_state", "attended"}
    assert item["rsvp"] == "needs_action" and item["delivery_state"] == "sent" and item["attended"] is False
    invitation_id = item["id"]
    answered = api.post(f"/api/v1/briefings/{occurrence.id}/invitations/{invitation_id}/rsvp",
                        json={"rsvp": "tentative", "scope": "this"})
    assert answered.status_code == 200 and answered.get_json()["rsvp"] == "tentative"
    bad = api.post(f"/api/v1/briefings/{occurrence.id}/invitations/{invitation_id}/rsvp", json={"rsvp": "maybe"})
    assert bad.status_code == 422
    stranger = api_as(make_user(other_office, "admin"))
    assert stranger.get(f"/api/v1/briefings/{occurrence.id}/invitations").status_code == 404


def test_portal_lists_invitations_and_takes_answers(client, invited_series):
    series, people = invited_series
    token = portal_token(people[0])
    page = client.get(f"/portal/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Họp báo định kỳ" in html
    assert "webcal://" in html and "calendar.google.com" in html
    invitation = db.session.scalar(select(Invitation).where(Invitation.journalist_id == people[0].id))
    assert client.post(f"/portal/{token}/rsvp/{invitation.id}", data={"answer": "declined"}).status_code == 302
    db.session.refresh(invitation)
    assert (invitation.rsvp, invitation.rsvp_source) == ("declined", "portal")
    other = db.session.scalar(select(Invitation).where(Invitation.journalist_id == people[1].id))
    assert client.post(f"/portal/{token}/rsvp/{other.id}", data={"answer": "accepted"}).status_code == 404


def test_portal_preferences(client, office, invited_series):
    from coordinator.contacts.operations import create_beat

    series, people = invited_series
    beat = create_beat(office.id, "Du lịch")
    db.session.commit()
    token = portal_token(people[0])
    client.post(f"/portal/{token}/preferences", data={"language": "en", "beats": [str(beat.id)]})
    db.session.refresh(people[0])
    assert people[0].language == "en" and [b.slug for b in people[0].beats] == [beat.slug]
    assert client.post(f"/portal/{token}/preferences", data={"language": "fr"}).status_code == 302
    db.session.refresh(people[0])
    assert people[0].language == "en"


def test_portal_bad_link_and_new_link(app, app_env, client, invited_series):
    series, people = invited_series
    response = client.get("/portal/forged")
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal")
    before = len(outbox(app))
    known = client.post("/portal", data={"email": people[0].email.upper()})
    unknown = client.post("/portal", data={"email": "nobody@nowhere.vn"})
    assert known.status_code == unknown.status_code == 302  # the same answer: no enumeration
    assert len(outbox(app)) == before  # nothing is mailed from inside the request
    run_burst_worker(app_env)
    messages = outbox(app)
    assert len(messages) == before + 1
    link_mail = messages[-1]
    assert link_mail["To"].addresses[0].addr_spec == people[0].email
    assert "/portal/" in link_mail.get_body(("plain",)).get_content()


def test_one_click_unsubscribe(client, invited_series, office):
    series, people = invited_series
    token = unsubscribe_token(people[0])
    assert client.get(f"/u/{token}").status_code == 200
    response = client.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.refresh(people[0])
    assert people[0].status == "unsubscribed"
    assert db.session.scalar(select(Suppression.email).where(Suppression.office_id == office.id)) == people[0].email
    assert client.post("/u/forged", data={"List-Unsubscribe": "One-Click"}).status_code == 410


def remind(app, app_env, now) -> int:
    """Plan the reminders due at ``now``, let a real worker send them, and count the reminders mailed."""
    before = len([m for m in outbox(app) if m["Subject"].startswith("Nhắc lịch")])
    invitation_jobs.send_due_reminders(now=now)
    db.session.commit()
    run_burst_worker(app_env)
    return len([m for m in outbox(app) if m["Subject"].startswith("Nhắc lịch")]) - before


def test_reminders(app, app_env, office):
    people = domain.journalists(office, 3)
    briefing = domain.adhoc(office, people, start=datetime.now(UTC) + timedelta(hours=3))
    run_burst_worker(app_env)
    invitations = list(db.session.scalars(select(Invitation).order_by(Invitation.id)))
    for invitation in invitations:  # invited well before the reminder times
        invitation.invited_at = datetime.now(UTC) - timedelta(days=3)
    briefing.created_at = datetime.now(UTC) - timedelta(days=3)  # and the briefing called then too
    from coordinator.invitations.operations import set_rsvp

    set_rsvp(invitations[2], "declined", source="link")
    db.session.commit()
    start = briefing.start
    assert remind(app, app_env, start - timedelta(hours=25)) == 0
    assert remind(app, app_env, start - timedelta(hours=23)) == 2  # not the one who declined
    assert remind(app, app_env, start - timedelta(hours=22)) == 0  # once
    assert remind(app, app_env, start - timedelta(minutes=30)) == 2  # the 1-hour reminder
    # A reschedule moves them; a cancelled briefing gets none.
    schedule.update_briefing(briefing, {"start": (start + timedelta(days=2)).isoformat(),
                                        "end": (start + timedelta(days=2, hours=1)).isoformat()})
    db.session.commit()
    run_burst_worker(app_env)  # the update itself
    assert remind(app, app_env, start + timedelta(days=2) - timedelta(minutes=30)) == 4
    schedule.update_briefing(briefing, {"status": "cancelled"})
    db.session.commit()
    assert remind(app, app_env, start + timedelta(days=2) - timedelta(minutes=10)) == 0


def test_no_reminder_for_those_invited_after_its_time(app, app_env, office):
    people = domain.journalists(office, 1)
    briefing = domain.adhoc(office, people, start=datetime.now(UTC) + timedelta(minutes=50))
    run_burst_worker(app_env)  # invited 50 minutes before: the 24-hour reminder never applies
    assert remind(app, app_env, briefing.start - timedelta(minutes=40)) == 0
    # Called after both reminder times: no reminder mailing is even planned (an empty one would show as the
    # briefing's newest mailing, "done, 0 sent", above its invitations).
    assert db.session.scalar(select(func.count(FanOut.id)).where(FanOut.briefing_id == briefing.id,
                                                                 FanOut.purpose == "reminder")) == 0


def test_portal_feed_link_is_stable_and_works(client, invited_series):
    series, people = invited_series
    token = portal_token(people[0])
    first = client.get(f"/portal/{token}").get_data(as_text=True)
    second = client.get(f"/portal/{token}").get_data(as_text=True)
    link = first.split('id="feed-url" readonly value="')[1].split('"')[0]
    assert link in second  # shown again on every visit, the same
    feed = client.get(link.replace("http://briefings.test", ""))
    assert feed.status_code == 200 and series.uid in feed.get_data(as_text=True)


def test_journalist_pages_speak_the_journalists_language(client, office):
    people = domain.journalists(office, 1, language="en")
    page = client.get(f"/portal/{portal_token(people[0])}")
    assert 'lang="en"' in page.get_data(as_text=True)
    assert 'lang="vi"' in client.get(f"/portal/{portal_token(people[0])}?lang=vi").get_data(as_text=True)


def test_new_link_requests_are_rate_limited(make_app, office):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    answers = [client.post("/portal", data={"email": f"x{n}@bao.vn"}).status_code for n in range(6)]
    assert answers[:5] == [302] * 5 and answers[5] == 429


def test_personal_feed_follows_invitations(app, app_env, client, office):
    from coordinator.schedule.operations import personal_feed_token

    people = domain.journalists(office, 2)
    series = domain.weekly_series(office, people, lead_days=30)
    run_burst_worker(app_env)
    token = personal_feed_token(office.id, people[1].id)
    db.session.commit()
    assert series.uid in client.get(f"/calendar/personal/{token}.ics").get_data(as_text=True)
    schedule.update_series(series, {"audience": {"journalist_ids": [people[0].id]}})
    db.session.commit()
    run_burst_worker(app_env)  # the withdrawn journalist gets a CANCEL, and the series leaves their feed
    assert series.uid not in client.get(f"/calendar/personal/{token}.ics").get_data(as_text=True)
