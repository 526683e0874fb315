"""A fan-out renders its invitations once and puts each journalist in: the result must be, byte for byte,
what rendering each invitation on its own gives (subject, plain text, HTML, calendar, headers)."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar

from coordinator.contacts import operations as contacts
from coordinator.extensions import db
from coordinator.invitations import messages
from coordinator.invitations.operations import invitations_of, set_rsvp, sync_invitations
from tests.support import domain


def _people(office):
    out = domain.outlet(office)
    rows = []
    for n, (name, language) in enumerate([("Nguyễn Thị Hạnh", "vi"), ('Trần "Bình" <An> & Co', "vi"),
                                          ("Jane O'Neil", "en"), ("Lê Văn Một Cái Tên Rất Dài Để Dòng Lịch Phải Gập",
                                                                  "vi")]):
        rows.append(contacts.create_journalist(office.id, {"full_name": name, "email": f"pv{n}@baoquangninh.vn",
                                                           "outlet_id": out.id, "language": language}))
    db.session.commit()
    return rows


def _events(calendar: str) -> str:
    """The calendar from its first component on (the VCALENDAR's own UID is random per calendar), DTSTAMP
    aside: it is when each was made (the batch's, once for the whole fan-out)."""
    events = calendar[calendar.index("BEGIN:V", len("BEGIN:VCALENDAR")):]
    return re.sub(r"^DTSTAMP:\d{8}T\d{6}Z\r\n", "", events, flags=re.MULTILINE)


def _same(batch, invitation, target, office, first, changes):
    # The portal link's token carries the second it was signed: both renderings within one frozen second.
    with time_machine.travel(datetime.now(UTC), tick=False):
        fast = batch.message(invitation)
        slow = messages.invite(invitation, target, office, first=first,
                               changes=changes if invitation.sent_sequence is not None else None)
    for name in ("key", "purpose", "subject", "text", "html", "headers", "to_email", "to_name"):
        assert getattr(fast, name) == getattr(slow, name), name
    assert _events(fast.calendar) == _events(slow.calendar)
    Calendar.from_ical(fast.calendar)  # and it parses
    return fast


@pytest.mark.parametrize("kind", ["crisis", "series"])
def test_a_batch_renders_what_each_invitation_renders_alone(app, office, kind):
    people = _people(office)
    if kind == "crisis":
        target = domain.adhoc(office, people, crisis=True, start=datetime.now(UTC) + timedelta(hours=2),
                              title="Họp báo khẩn: sạt lở đất <phường Hà Khánh> & Cao Xanh")
        first = None
    else:
        target = domain.weekly_series(office, people, lead_days=30)
        first = None
    sync_invitations(target)
    db.session.commit()
    invitations = invitations_of(target)
    set_rsvp(invitations[1], "accepted", source="link")
    set_rsvp(invitations[2], "declined", source="link")
    db.session.commit()
    batch = messages.InviteBatch(target, office, first=first)
    rendered = [_same(batch, inv, target, office, first, None) for inv in invitations]
    assert 'Trần &#34;Bình&#34; &lt;An&gt; &amp; Co' in rendered[1].html and 'Trần "Bình" <An> & Co' in rendered[1].text
    assert "PARTSTAT=ACCEPTED" in rendered[1].calendar and "PARTSTAT=DECLINED" in rendered[2].calendar
    assert rendered[2].subject != rendered[0].subject  # English for the English reader
    # An update after a change: those invited before get it with what changed, at the new SEQUENCE.
    for invitation in invitations[:2]:
        invitation.sent_sequence = target.sequence
    db.session.commit()
    changes = {"venue": ["Hội trường A", "Hội trường B"]}
    batch = messages.InviteBatch(target, office, first=first, changes=changes)
    updated = [_same(batch, inv, target, office, first, changes) for inv in invitations]
    assert updated[0].purpose == "update" and updated[3].purpose == "invite"
    assert "Hội trường B" in updated[0].text and "Hội trường B" not in updated[3].text


def test_a_batch_puts_in_each_invitation_reply_address(app, office):
    """With REPLY_DOMAIN, the ORGANIZER (one slot in the shared calendar, like the ATTENDEE) and the Reply-To
    are each invitation's own address, under the office's name, exactly as rendering alone gives."""
    from coordinator.invitations.replies import reply_address

    app.config["REPLY_DOMAIN"] = "reply.quangninh.example.vn"
    office.sender_name = "Bộ phận Báo chí – UBND tỉnh Quảng Ninh, một tên dài để dòng ORGANIZER phải gập"
    people = _people(office)
    target = domain.weekly_series(office, people, lead_days=30)
    sync_invitations(target)
    db.session.commit()
    batch = messages.InviteBatch(target, office, first=None)
    for invitation in invitations_of(target):
        fast = _same(batch, invitation, target, office, None, None)
        address = reply_address(invitation)
        assert fast.reply_to == address
        assert messages.invite(invitation, target, office, first=None).reply_to == address
        for event in Calendar.from_ical(fast.calendar).walk("VEVENT"):
            assert str(event["ORGANIZER"]) == f"mailto:{address}"
            assert event["ORGANIZER"].params["CN"] == office.sender_name
        assert "organizer.invalid" not in fast.calendar


@pytest.mark.parametrize("kind", ["crisis", "series"])
def test_the_saved_event_carries_the_journalists_links_and_code(app, office, kind):
    """Issue 25: a calendar app shows the event, not the mail; its DESCRIPTION keeps the briefing's own text
    and adds the journalist's answer page, portal link and check-in code, in their language, folded at 75
    octets, the same from a batch as alone, and standards-clean."""
    from tests.support.libical_check import itip_errors

    people = _people(office)
    if kind == "crisis":
        target = domain.adhoc(office, people, crisis=True, start=datetime.now(UTC) + timedelta(hours=2),
                              agenda="Tình hình sạt lở; phương án di dời, tái định cư")
    else:
        target = domain.weekly_series(office, people, lead_days=30)
    sync_invitations(target)
    db.session.commit()
    batch = messages.InviteBatch(target, office, first=None)
    for invitation in invitations_of(target):
        # The portal link's token carries the second it was signed: the message and the links compared
        # with it are made within one frozen second.
        with time_machine.travel(datetime.now(UTC), tick=False):
            message = _same(batch, invitation, target, office, None, None)
            urls = messages.links(invitation)
        assert all(len(line.encode()) <= 75 for line in message.calendar.split("\r\n")), message.calendar
        assert itip_errors(message.calendar) == []
        for event in Calendar.from_ical(message.calendar).walk("VEVENT"):
            description = str(event["DESCRIPTION"])
            assert urls["page"] in description and urls["portal"] in description
            assert invitation.checkin_code in description
            english = invitation.journalist.language == "en"
            assert ("Check-in code:" in description) == english and ("Mã điểm danh:" in description) != english
            if kind == "crisis":
                assert "Tình hình sạt lở; phương án di dời, tái định cư\n\n" in description
