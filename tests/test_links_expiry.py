"""Issue 26.5: a journalist's links have a life. Invitation, unsubscribe and pack links end
JOURNALIST_LINK_DAYS after the briefing (or the pack's release) and open a page offering a fresh portal
link; staff can revoke one journalist's links on their own (audited) without touching anyone else's."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from coordinator.contacts.models import Journalist
from coordinator.core.audit import AuditLog
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.invitations.messages import links as invitation_links
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import sync_invitations, target_of
from coordinator.invitations.tokens import invitation_token, portal_token, unsubscribe_token
from coordinator.packs.models import Pack, PackRecipient
from coordinator.packs.tokens import download_token
from tests.support import domain
from tests.support import packs as files


@pytest.fixture
def mailed(app, office, make_user):
    people = domain.journalists(office, 2)
    briefing = domain.adhoc(office, people)
    sync_invitations(target_of(briefing))
    db.session.commit()
    author = make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn")
    approver = make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn")
    pack = files.approved_pack(office, author, approver, briefing=briefing)
    for person in people:
        db.session.add(PackRecipient(office_id=office.id, pack_id=pack.id, root_id=pack.id,
                                     journalist_id=person.id, purpose="pack"))
    db.session.execute(update(Pack).where(Pack.id == pack.id).values(status="released", released_at=datetime.now(UTC)))
    db.session.commit()
    return {"people": people, "briefing": briefing, "pack": db.session.get(Pack, pack.id)}


def paths(s: dict, person: Journalist) -> dict[str, str]:
    """Every link a mail carries for ``person``, as the mail builds it."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.journalist_id == person.id))
    built = invitation_links(invitation)
    base = "http://briefings.test"
    return {"invitation": built["page"].removeprefix(base), "rsvp": built["accept"].removeprefix(base),
            "unsubscribe": built["unsubscribe"].removeprefix(base),
            "pack": f"/p/{download_token(s['pack'], person)}",
            "file": f"/p/{download_token(s['pack'], person)}/files/{s['pack'].files[0].id}"}


def link_requests() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxEvent)
                             .where(OutboxEvent.kind == "portal.link_requested"))


def test_links_end_a_set_time_after_the_briefing_and_offer_a_fresh_portal_link(app, client, clock, mailed):
    person = mailed["people"][0]
    links = paths(mailed, person)
    assert links["unsubscribe"].startswith("/u/")
    for name, path in links.items():
        assert client.get(path).status_code == 200, name
    # 29 days after the briefing ends: still live; 31 days: ended (JOURNALIST_LINK_DAYS = 30).
    clock.pin(mailed["briefing"].end + timedelta(days=29))
    assert client.get(links["invitation"]).status_code == 200
    clock.pin(mailed["briefing"].end + timedelta(days=31))
    for name, path in links.items():
        page = client.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 410, name
        assert "Đường dẫn đã hết hạn" in html and 'action="/portal"' in html, name
    # Nothing is done through an ended link.
    assert client.post(links["rsvp"]).status_code == 410
    assert client.post(links["file"]).status_code == 410
    assert client.post(links["unsubscribe"], data={"confirm": "1"}).status_code == 410
    db.session.expire_all()
    invitation = db.session.scalar(select(Invitation).where(Invitation.journalist_id == person.id))
    assert invitation.rsvp != "accepted" and db.session.get(Journalist, person.id).status == "active"
    # The page's form is the portal's "send me a new link".
    before = link_requests()
    assert client.post("/portal", data={"email": person.email, "office": "quang-ninh"}).status_code == 302
    assert link_requests() == before + 1
    # RFC 8058: a mail provider's one-click unsubscribe still works on an ended link.
    assert client.post(links["unsubscribe"], data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Journalist, person.id).status == "unsubscribed"


def test_the_ended_page_speaks_the_journalists_language(app, client, clock, mailed):
    person = mailed["people"][0]
    person.language = "en"
    db.session.commit()
    links = paths(mailed, person)
    clock.pin(mailed["briefing"].end + timedelta(days=31))
    html = client.get(links["invitation"]).get_data(as_text=True)
    assert "This link has expired" in html and "Send me a new link" in html


def test_staff_revoke_one_journalists_links_only(app, client, auth, office, admin, make_user, mailed):
    revoked, other = mailed["people"]
    old, others = paths(mailed, revoked), paths(mailed, other)
    old_portal = f"/portal/{portal_token(revoked)}"
    viewer = make_user(office, "viewer", email="xem@quangninh.gov.vn")
    auth.login(viewer.email)
    assert client.post(f"/contacts/journalists/{revoked.id}/revoke-links").status_code == 403
    auth.logout()
    auth.login(admin.email)
    page = client.get(f"/contacts/journalists/{revoked.id}").get_data(as_text=True)
    assert f'action="/contacts/journalists/{revoked.id}/revoke-links"' in page
    done = client.post(f"/contacts/journalists/{revoked.id}/revoke-links", follow_redirects=True)
    assert done.status_code == 200 and "Đã thu hồi mọi đường dẫn" in done.get_data(as_text=True)
    auth.logout()
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "journalist.links_revoked"))
    assert entry.target_id == revoked.id and entry.actor_user_id == admin.id

    for name, path in old.items():
        page = client.get(path)
        assert page.status_code == 410 and "Đường dẫn không còn hiệu lực" in page.get_data(as_text=True), name
    assert client.post(old["rsvp"]).status_code == 410
    assert client.post(old["unsubscribe"], data={"List-Unsubscribe": "One-Click"}).status_code == 410
    assert client.get(old_portal).status_code == 302  # to "send me a new link"
    for name, path in others.items():
        assert client.get(path).status_code == 200, name
    # Mail sent from now on carries links that work.
    db.session.expire_all()
    fresh = paths(mailed, db.session.get(Journalist, revoked.id))
    assert fresh["invitation"] != old["invitation"]
    for name, path in fresh.items():
        assert client.get(path).status_code == 200, name
    assert client.get(f"/portal/{portal_token(db.session.get(Journalist, revoked.id))}").status_code == 200


def test_links_mailed_before_links_had_a_life_still_open_until_revoked(app, client, mailed):
    """Tokens of the old shape (no version, no end) keep working, and a revocation ends them too."""
    from itsdangerous import URLSafeSerializer

    person = mailed["people"][0]
    invitation = db.session.scalar(select(Invitation).where(Invitation.journalist_id == person.id))
    key = app.config["SECRET_KEY"]
    old_invite = URLSafeSerializer(key, salt="invitation").dumps([invitation.id, invitation.token_version])
    old_unsub = URLSafeSerializer(key, salt="unsubscribe").dumps([person.id, person.office_id])
    assert client.get(f"/i/{old_invite}").status_code == 200
    assert client.get(f"/u/{old_unsub}").status_code == 200
    from coordinator.contacts.operations import revoke_links

    revoke_links(person)
    db.session.commit()
    assert client.get(f"/i/{old_invite}").status_code == 410
    assert client.get(f"/u/{old_unsub}").status_code == 410
    assert client.get(f"/i/{invitation_token(invitation)}").status_code == 200
    assert unsubscribe_token(person)  # a fresh one can always be made
