"""Issue 21.4: corporate link scanners (Defender Safe Links, Proofpoint) open every link of a mail with GET
and HEAD. Every journalist link that changes something shows a page with one button on GET (and HEAD), and
only the button's POST changes the data. The list below is every such link; a new one belongs here."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from coordinator.attendance.models import Attendance, Question
from coordinator.contacts.models import Journalist
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import sync_invitations, target_of
from coordinator.invitations.tokens import invitation_token, portal_token, unsubscribe_token
from coordinator.packs.models import Pack, PackDownload, PackRecipient
from coordinator.packs.tokens import download_token
from tests.support import domain
from tests.support import packs as files


def fingerprint() -> str:
    """Every row of every table: nothing may differ after a scanner's visit."""
    db.session.expire_all()
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table).order_by(*table.primary_key.columns)).all():
            digest.update(repr((table.name, tuple(row))).encode())
    return digest.hexdigest()


@pytest.fixture
def links(app, office, make_user):
    people = domain.journalists(office, 2)
    # Starts in 5 minutes: the online self check-in is open (from 15 minutes before the start).
    briefing = domain.adhoc(office, people, start=datetime.now(UTC) + timedelta(minutes=5))
    sync_invitations(target_of(briefing))
    db.session.commit()
    author = make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn")
    approver = make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn")
    pack = files.approved_pack(office, author, approver, briefing=briefing)
    db.session.add(PackRecipient(office_id=office.id, pack_id=pack.id, root_id=pack.id,
                                 journalist_id=people[0].id, purpose="pack"))
    db.session.execute(update(Pack).where(Pack.id == pack.id).values(status="released", released_at=datetime.now(UTC)))
    db.session.commit()
    invitation = db.session.scalar(select(Invitation).where(Invitation.journalist_id == people[0].id))
    return {"people": people, "briefing": briefing, "invitation": invitation, "pack": pack,
            "token": invitation_token(invitation)}


def _count(model, **where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def journalist_links(s: dict) -> list[tuple[str, str, dict, object]]:
    """(name, path, what the button posts, a check that the POST changed what it should)."""
    person, invitation, pack = s["people"][0], s["invitation"], s["pack"]
    token = s["token"]
    file_id = pack.files[0].id
    return [
        ("rsvp accepted", f"/i/{token}/rsvp/accepted", {},
         lambda: db.session.get(Invitation, invitation.id).rsvp == "accepted"),
        ("rsvp declined", f"/i/{token}/rsvp/declined", {},
         lambda: db.session.get(Invitation, invitation.id).rsvp == "declined"),
        ("pack file", f"/p/{download_token(pack, person)}/files/{file_id}", {},
         lambda: _count(PackDownload, journalist_id=person.id) == 1),
        ("self check-in", f"/i/{token}/checkin", {},
         lambda: _count(Attendance, journalist_id=person.id) == 1),
        ("question", f"/i/{token}/questions", {"text": "Khi nào thông xe cầu Bãi Cháy?"},
         lambda: _count(Question, journalist_id=person.id) == 1),
        ("unsubscribe", f"/u/{unsubscribe_token(person)}", {"confirm": "1"},
         lambda: db.session.get(Journalist, person.id).status == "unsubscribed"),
    ]


def test_get_and_head_on_every_journalist_link_change_nothing_the_button_does(app, client, links):
    for name, path, form, changed in journalist_links(links):
        before = fingerprint()
        page = client.get(path)
        assert page.status_code == 200, (name, page.status_code)
        html = page.get_data(as_text=True)
        assert 'method="post"' in html and "<button" in html, name  # one page, one button
        assert client.head(path).status_code == 200, name
        assert fingerprint() == before, f"{name}: a GET or HEAD changed the database"
        assert not changed(), name
        answer = client.post(path, data=form)
        assert answer.status_code in (200, 302), (name, answer.status_code)
        db.session.expire_all()
        assert changed(), f"{name}: the POST changed nothing"


def test_post_only_journalist_links_refuse_get_and_head(app, client, links):
    """The portal's own forms take POST only: a scanner's GET or HEAD is refused and changes nothing."""
    token = portal_token(links["people"][0])
    before = fingerprint()
    for path in (f"/portal/{token}/rsvp/{links['invitation'].id}", f"/portal/{token}/preferences",
                 f"/portal/{token}/questions", f"/i/{links['token']}/rsvp"):
        assert client.get(path).status_code == 405, path
        assert client.head(path).status_code == 405, path
    # The check-in QR code's target only redirects a visitor who is not staff at the door.
    assert client.get(f"/c/{links['token']}").status_code == 302
    assert client.head(f"/c/{links['token']}").status_code == 302
    assert fingerprint() == before


def test_one_click_unsubscribe_stays_one_post_without_a_page(app, client, links):
    """RFC 8058: the mail client's POST of List-Unsubscribe=One-Click unsubscribes at once."""
    person = links["people"][1]
    path = f"/u/{unsubscribe_token(person)}"
    before = fingerprint()
    client.get(path), client.head(path)
    assert fingerprint() == before
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and response.get_data() == b""
    db.session.expire_all()
    assert db.session.get(Journalist, person.id).status == "unsubscribed"


def test_the_pages_speak_the_journalists_language(app, client, links):
    person = links["people"][0]
    person.language = "en"
    db.session.commit()
    html = client.get(f"/i/{links['token']}/rsvp/accepted").get_data(as_text=True)
    assert "Confirm: Attending" in html and "Answer the invitation" in html
    html = client.get(f"/p/{download_token(links['pack'], person)}/files/{links['pack'].files[0].id}") \
        .get_data(as_text=True)
    assert "Download" in html
