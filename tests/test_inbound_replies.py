"""Calendar replies that reach us (issue 21.3) and webhooks that fail closed (21.5).

With REPLY_DOMAIN set every invite names the invitation's own ``rsvp+<token>@REPLY_DOMAIN`` as ORGANIZER
and Reply-To; SendGrid Inbound Parse posts what arrives there (multipart/form-data, the raw MIME in
``email``) to ``/webhooks/sendgrid/inbound/<INBOUND_SECRET>`` behind basic auth. The reply below is built
the way Outlook (Exchange) sends it and posted the way SendGrid posts it."""
from __future__ import annotations

import base64
import email
import email.policy
import json
import logging
from datetime import UTC, datetime
from email.charset import QP, Charset
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.utils import formataddr
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from coordinator.config import load_config
from coordinator.extensions import db
from coordinator.invitations.models import InboundRefusal, Invitation
from coordinator.invitations.replies import invitation_for_address, reply_address
from tests.support import domain
from tests.support.processes import run_burst_worker

REPLY_DOMAIN = "reply.quangninh.example.vn"
SECRET = "s3cr3t-inbound-path-0123456789"
USER, PASSWORD = "sendgrid", "parse-password-42"
URL = f"/webhooks/sendgrid/inbound/{SECRET}"
SETTINGS = {"REPLY_DOMAIN": REPLY_DOMAIN, "INBOUND_SECRET": SECRET, "INBOUND_BASIC_AUTH": f"{USER}:{PASSWORD}"}


@pytest.fixture
def app_env(app_env, monkeypatch):
    """The app and its worker processes with the reply domain and the inbound endpoint configured."""
    for name, value in SETTINGS.items():
        monkeypatch.setenv(name, value)
        app_env[name] = value
    return app_env


@pytest.fixture
def invited(app, app_env, office):
    office.sender_email, office.sender_name = "baochi@quangninh.gov.vn", "Bộ phận Báo chí – UBND tỉnh Quảng Ninh"
    db.session.commit()
    people = domain.journalists(office, 2)
    series = domain.weekly_series(office, people, lead_days=30)
    run_burst_worker(app_env)
    invitations = {i.journalist_id: i for i in db.session.scalars(select(Invitation))}
    return series, people, [invitations[p.id] for p in people]


def mailed_to(app, address: str) -> email.message.EmailMessage:
    for path in Path(app.config["OUTBOX_DIR"]).rglob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"].addresses[0].addr_spec == address:
            return message
    raise AssertionError(f"nothing mailed to {address}")


def outlook_reply(*, uid: str, organizer: str, attendee: str, name: str, partstat: str = "ACCEPTED",
                  sender: str | None = None) -> bytes:
    """A METHOD:REPLY as Outlook/Exchange sends it: its own PRODID, Windows time zone names, X-MICROSOFT-CDO
    lines, and the calendar part in quoted-printable."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    ics = "\r\n".join([
        "BEGIN:VCALENDAR", "METHOD:REPLY", "PRODID:Microsoft Exchange Server 2010", "VERSION:2.0",
        "BEGIN:VTIMEZONE", "TZID:SE Asia Standard Time", "BEGIN:STANDARD", "DTSTART:16010101T000000",
        "TZOFFSETFROM:+0700", "TZOFFSETTO:+0700", "END:STANDARD", "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f"ATTENDEE;PARTSTAT={partstat};CN={name}:mailto:{attendee}",
        f'ORGANIZER;CN="Bộ phận Báo chí – UBND tỉnh Quảng Ninh":mailto:{organizer}',
        "COMMENT;LANGUAGE=vi-VN:Tôi sẽ tham dự buổi họp báo định kỳ của UBND tỉnh Quảng Ninh, xin cảm ơn.",
        "SUMMARY;LANGUAGE=vi-VN:Đã chấp nhận: Họp báo định kỳ",
        "DTSTART;TZID=SE Asia Standard Time:20261208T150000",
        "DTEND;TZID=SE Asia Standard Time:20261208T160000",
        f"UID:{uid}", "CLASS:PUBLIC", "PRIORITY:5", f"DTSTAMP:{stamp}", "TRANSP:OPAQUE", "STATUS:CONFIRMED",
        "SEQUENCE:0", "LOCATION;LANGUAGE=vi-VN:Hội trường UBND tỉnh",
        "X-MICROSOFT-CDO-APPT-SEQUENCE:0", "X-MICROSOFT-CDO-OWNERAPPTID:-1", "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
        "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY", "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
        "X-MICROSOFT-CDO-IMPORTANCE:1", "X-MICROSOFT-CDO-INSTTYPE:0", "X-MICROSOFT-DONOTFORWARDMEETING:FALSE",
        "X-MICROSOFT-DISALLOW-COUNTER:FALSE", "END:VEVENT", "END:VCALENDAR", ""])
    message = MIMEMultipart("alternative")
    message["From"] = formataddr((name, sender or attendee))
    message["To"] = formataddr(("Bộ phận Báo chí – UBND tỉnh Quảng Ninh", organizer))
    message["Subject"] = "Đã chấp nhận: Họp báo định kỳ"
    message["Thread-Topic"] = "Họp báo định kỳ"
    message["X-MS-Has-Attach"] = ""
    message["X-MS-TNEF-Correlator"] = ""
    message["Content-Language"] = "vi-VN"
    message.attach(MIMEText("Tôi sẽ tham dự.", "plain", "utf-8"))
    calendar = MIMENonMultipart("text", "calendar", method="REPLY")
    charset = Charset("utf-8")
    charset.body_encoding = QP
    calendar.set_payload(ics, charset)
    message.attach(calendar)
    raw = message.as_bytes()
    assert b"Content-Transfer-Encoding: quoted-printable" in raw and b"=\n" in raw  # soft line breaks
    return raw


def inbound_parse(raw: bytes, *, to: str, sender: str) -> tuple[bytes, str]:
    """The multipart/form-data body SendGrid posts with "POST the raw, full MIME message" on."""
    boundary = "xYzZY"
    fields = [("dkim", "{@baoquangninh.vn : pass}"), ("email", raw), ("to", to), ("from", sender),
              ("subject", "Đã chấp nhận: Họp báo định kỳ"), ("sender_ip", "40.107.20.1"),
              ("envelope", json.dumps({"to": [to], "from": sender})),
              ("charsets", json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8"})), ("SPF", "pass"),
              ("spam_score", "0.1")]
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                    + (value if isinstance(value, bytes) else value.encode()) + b"\r\n" for name, value in fields)
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def basic(user: str = USER, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def post(client, raw: bytes, *, to: str, sender: str, url: str = URL, headers: dict | None = None):
    body, content_type = inbound_parse(raw, to=to, sender=sender)
    return client.post(url, data=body, content_type=content_type, headers=basic() if headers is None else headers)


def rsvp(invitation: Invitation) -> str:
    db.session.expire_all()
    return db.session.get(Invitation, invitation.id).rsvp


def test_invites_name_the_invitation_reply_address_as_organizer_and_reply_to(app, invited):
    series, people, invitations = invited
    addresses = []
    for person, invitation in zip(people, invitations, strict=True):
        message = mailed_to(app, person.email)
        address = reply_address(invitation)
        assert address.startswith("rsvp+") and address.endswith("@" + REPLY_DOMAIN)
        assert len(address.partition("@")[0]) <= 64
        assert message["Reply-To"] == address
        assert message["From"].addresses[0].addr_spec == "baochi@quangninh.gov.vn"  # still sent from the office
        cal = Calendar.from_ical(message.get_body(("calendar",)).get_content())
        for event in cal.walk("VEVENT"):
            organizer = event["ORGANIZER"]
            assert str(organizer) == f"mailto:{address}"
            assert organizer.params["CN"] == "Bộ phận Báo chí – UBND tỉnh Quảng Ninh"
        assert invitation_for_address(address.upper()).id == invitation.id  # a mail system may change the case
        addresses.append(address)
    assert addresses[0] != addresses[1]


def test_an_outlook_reply_posted_as_inbound_parse_accepts_the_invitation(client, invited):
    series, people, invitations = invited
    to = reply_address(invitations[0])
    raw = outlook_reply(uid=series.uid, organizer=to, attendee=people[0].email, name=people[0].full_name)
    response = post(client, raw, to=to, sender=people[0].email)
    assert response.status_code == 200 and response.get_json() == {"recorded": 1, "ignored": {}}
    db.session.expire_all()
    invitation = db.session.get(Invitation, invitations[0].id)
    assert (invitation.rsvp, invitation.rsvp_source) == ("accepted", "imip")
    assert rsvp(invitations[1]) == "needs_action"
    assert db.session.scalar(select(func.count(InboundRefusal.id))) == 0


@pytest.mark.parametrize("url,headers,status", [
    ("/webhooks/sendgrid/inbound", None, 404),  # the old path, without the secret
    ("/webhooks/sendgrid/inbound/not-the-secret-0123456789", None, 404),
    (URL, {}, 401),  # no basic auth
    (URL, basic(password="wrong-password"), 401),
    (URL, basic(user="someone"), 401),
])
def test_without_the_secret_or_basic_auth_nothing_changes(client, invited, url, headers, status):
    series, people, invitations = invited
    to = reply_address(invitations[0])
    raw = outlook_reply(uid=series.uid, organizer=to, attendee=people[0].email, name=people[0].full_name)
    response = post(client, raw, to=to, sender=people[0].email, url=url, headers=headers)
    assert response.status_code == status
    assert "error" in response.get_json()
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert rsvp(invitations[0]) == "needs_action"
    assert db.session.scalar(select(func.count(InboundRefusal.id))) == 0  # unauthenticated: not even stored


def test_a_reply_whose_attendee_is_not_the_invitation_journalist_is_refused(client, invited, caplog):
    """pv1 answers to pv0's reply address (a forwarded invite, or someone who learnt the address): refused,
    logged and kept with its reason, and neither invitation changes."""
    series, people, invitations = invited
    to = reply_address(invitations[0])
    raw = outlook_reply(uid=series.uid, organizer=to, attendee=people[1].email, name=people[1].full_name,
                        partstat="DECLINED")
    with caplog.at_level(logging.WARNING, logger="coordinator.invitations.inbound"):
        response = post(client, raw, to=to, sender=people[1].email)
    assert response.status_code == 200
    assert response.get_json() == {"recorded": 0, "ignored": {"attendee is not the invitation's journalist": 1}}
    assert [rsvp(i) for i in invitations] == ["needs_action", "needs_action"]
    assert "attendee is not the invitation's journalist" in caplog.text
    refusal = db.session.scalar(select(InboundRefusal))
    assert (refusal.invitation_id, refusal.office_id, refusal.sender, refusal.recipient) == (
        invitations[0].id, invitations[0].office_id, people[1].email, to)
    assert refusal.reasons == "attendee is not the invitation's journalist ×1" and refusal.recorded == 0


def test_replies_not_matching_their_reply_address_are_refused(client, invited, make_office):
    series, people, invitations = invited
    to = reply_address(invitations[0])
    local, _, host = to.partition("@")
    forged = local[:-1] + ("a" if local[-1] != "a" else "b") + "@" + host
    other = make_office("hai-phong")
    stranger = domain.journalists(other, 1, prefix="hp")[0]
    cases = {
        "unknown reply address": (forged, people[0], series.uid),
        "not sent to a reply address": ("baochi@quangninh.gov.vn", people[0], series.uid),
        "not this invitation's uid": (to, people[0], "someone-elses-uid@example.vn"),
        "attendee is not the invitation's journalist": (to, stranger, series.uid),
    }
    for reason, (address, person, uid) in cases.items():
        raw = outlook_reply(uid=uid, organizer=address, attendee=person.email, name=person.full_name)
        body = post(client, raw, to=address, sender=person.email).get_json()
        assert body == {"recorded": 0, "ignored": {reason: 1}}, reason
    raw = outlook_reply(uid=series.uid, organizer=to, attendee=people[0].email, name=people[0].full_name,
                        sender="intruder@evil.example")
    assert post(client, raw, to=to, sender="intruder@evil.example").get_json()["ignored"] == \
        {"attendee is not the sender": 1}
    assert [rsvp(i) for i in invitations] == ["needs_action", "needs_action"]
    assert db.session.scalar(select(func.count(InboundRefusal.id))) == len(cases) + 1


def test_without_an_inbound_secret_the_endpoint_fails_closed(make_app, invited):
    series, people, invitations = invited
    to = reply_address(invitations[0])
    raw = outlook_reply(uid=series.uid, organizer=to, attendee=people[0].email, name=people[0].full_name)
    closed = make_app(INBOUND_SECRET=None).test_client()
    for url in (URL, "/webhooks/sendgrid/inbound"):
        response = post(closed, raw, to=to, sender=people[0].email, url=url)
        assert response.status_code == 503 and response.get_json()["error"]["code"] == "not_configured"
    assert rsvp(invitations[0]) == "needs_action"
    local = make_app(INBOUND_SECRET=None, DEV_INSECURE_WEBHOOKS=True).test_client()  # `make run`
    response = post(local, raw, to=to, sender=people[0].email, url="/webhooks/sendgrid/inbound", headers={})
    assert response.get_json()["recorded"] == 1
    assert rsvp(invitations[0]) == "accepted"


@pytest.mark.parametrize("name,value", [("INBOUND_SECRET", "short"), ("INBOUND_SECRET", "has/a/slash-0123456789"),
                                        ("INBOUND_BASIC_AUTH", "no-colon"), ("INBOUND_BASIC_AUTH", ":no-user")])
def test_bad_inbound_settings_stop_the_app(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=name):
        load_config(tmp_path)


def test_updates_and_cancels_keep_the_same_organizer(app, app_env, invited):
    """A calendar client applies an update or a CANCEL only from the ORGANIZER it knows: every later message
    to a journalist names the same reply address as the first invite."""
    from datetime import timedelta

    from coordinator.schedule import operations as schedule
    from coordinator.schedule.models import Briefing

    series, people, invitations = invited
    occurrences = list(db.session.scalars(select(Briefing).where(Briefing.series_id == series.id)
                                          .order_by(Briefing.start)))
    moved, cancelled = occurrences[1], occurrences[2]
    schedule.update_briefing(moved, {"start": (moved.start + timedelta(hours=2)).isoformat(),
                                     "end": (moved.end + timedelta(hours=2)).isoformat()})
    schedule.update_briefing(cancelled, {"status": "cancelled"})
    db.session.commit()
    run_burst_worker(app_env)
    methods = []
    for path in Path(app.config["OUTBOX_DIR"]).rglob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        invitation = invitations[[p.email for p in people].index(message["To"].addresses[0].addr_spec)]
        cal = Calendar.from_ical(message.get_body(("calendar",)).get_content())
        methods.append(str(cal["METHOD"]))
        assert message["Reply-To"] == reply_address(invitation)
        assert {str(event["ORGANIZER"]) for event in cal.walk("VEVENT")} == {f"mailto:{reply_address(invitation)}"}
    assert sorted(methods) == ["CANCEL", "CANCEL", "REQUEST", "REQUEST", "REQUEST", "REQUEST"]
