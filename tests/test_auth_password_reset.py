"""Forgot password by mail (issue 21.6): the same answer for every address, a single-use link that expires,
kept hashed, mailed by the worker after the commit; the new password follows the rule and ends every session."""
from __future__ import annotations

import email
import email.policy
import hashlib
import re
from datetime import timedelta
from pathlib import Path

from coordinator.core.audit import AuditLog
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.users.models import PasswordReset, UserSession
from tests.conftest import DEFAULT_PASSWORD
from tests.support.processes import run_burst_worker

NEW_PASSWORD = "mùa-xuân-trên-vịnh-hạ-long"
ANSWER = "Nếu địa chỉ này có tài khoản"


def _mails(app) -> list[email.message.EmailMessage]:
    files = sorted(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]


def _link_from_mail(app, app_env) -> str:
    run_burst_worker(app_env)
    mails = _mails(app)
    assert len(mails) == 1
    text = mails[0].get_body(("plain",)).get_content()
    return re.search(r"http://briefings\.test(/reset-password/\S+)", text).group(1)


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(app, client, admin):
    known = client.post("/forgot-password", data={"email": admin.email}, follow_redirects=True)
    unknown = client.post("/forgot-password", data={"email": "nobody@quangninh.gov.vn"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert ANSWER in known.get_data(as_text=True) and ANSWER in unknown.get_data(as_text=True)
    events = db.session.scalars(db.select(OutboxEvent).where(OutboxEvent.kind == "user.password_reset_requested"))
    assert [e.payload for e in events] == [{"user_id": admin.id}]  # only the known one is mailed; no secret in it
    bad = client.post("/forgot-password", data={"email": "not an address"})
    assert bad.status_code == 422 and "Email không hợp lệ" in bad.get_data(as_text=True)


def test_a_deactivated_account_gets_no_link(app, client, office, make_user):
    from coordinator.users.operations import set_active

    user = make_user(office, "viewer", email="nghi.viec@quangninh.gov.vn")
    set_active(user, False)
    db.session.commit()
    client.post("/forgot-password", data={"email": user.email})
    assert db.session.scalar(db.select(OutboxEvent).where(OutboxEvent.kind == "user.password_reset_requested")) is None


def test_the_mailed_link_sets_a_new_password_once_and_ends_every_session(app, app_env, client, admin):
    signed_in = app.test_client()
    assert signed_in.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD}).status_code == 302
    client.post("/forgot-password", data={"email": admin.email})
    path = _link_from_mail(app, app_env)
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalar(db.select(PasswordReset))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash
    assert timedelta(minutes=59) < stored.expires_at - stored.created_at <= timedelta(hours=1)

    assert client.get(path).status_code == 200
    weak = client.post(path, data={"password": "password123", "confirm": "password123"})
    assert weak.status_code == 422
    db.session.expire_all()
    assert db.session.get(PasswordReset, stored.id).used_at is None  # a refused password changes nothing

    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert not _signed_in(signed_in)
    assert not _signed_in(client)  # no session from the link: the login (and its second factor) comes next
    assert db.session.scalar(db.select(db.func.count(UserSession.id)).where(UserSession.revoked_at.is_(None))) == 0
    assert client.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD}).status_code == 422
    assert client.post("/login", data={"email": admin.email, "password": NEW_PASSWORD}).status_code == 302
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "user.password_reset")) is not None

    other = "another-long-passphrase"
    again = app.test_client().post(path, data={"password": other, "confirm": other})
    assert again.status_code == 410


def test_the_link_expires_after_an_hour(app, app_env, client, admin, clock):
    client.post("/forgot-password", data={"email": admin.email})
    path = _link_from_mail(app, app_env)
    clock.pin(clock.now() + timedelta(minutes=61))
    assert client.get(path).status_code == 410
    expired = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert expired.status_code == 410
    assert client.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD}).status_code == 302


def test_an_unknown_link_is_refused(client, admin):
    assert client.get("/reset-password/not-a-real-token").status_code == 410


def test_asking_is_rate_limited_and_an_account_gets_few_links(make_app, app_env, admin):
    limited = make_app(RATELIMIT_ENABLED=True)
    client = limited.test_client()
    statuses = [client.post("/forgot-password", data={"email": "x@quangninh.gov.vn"}).status_code for _ in range(6)]
    assert statuses[:5] == [302] * 5 and statuses[5] == 429

    with limited.app_context():
        from coordinator.users import resets

        for _ in range(5):
            resets.issue(admin)
        db.session.commit()
        before = db.session.scalar(db.select(db.func.count(OutboxEvent.id)))
    app_client = make_app().test_client()
    app_client.post("/forgot-password", data={"email": admin.email})
    with limited.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxEvent.id))) == before  # three a quarter-hour at most
