"""SendGrid's event webhook: signatures (a locally generated P-256 key pair), deduplication,
delivery states, and suppression of bounced or complaining addresses."""
from __future__ import annotations

import base64
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.mail import service as mail
from coordinator.mail.message import OutgoingMessage
from coordinator.mail.models import Delivery, ProviderEvent, Suppression
from coordinator.mail.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER

URL = "/webhooks/sendgrid/events"


@pytest.fixture
def key_pair():
    private = ec.generate_private_key(ec.SECP256R1())
    public_der = private.public_key().public_bytes(serialization.Encoding.DER,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, base64.b64encode(public_der).decode()


def sign(private, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = private.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {SIGNATURE_HEADER: base64.b64encode(signature).decode(), TIMESTAMP_HEADER: timestamp,
            "Content-Type": "application/json"}


@pytest.fixture
def client(app):
    """Most tests here post unsigned events, as local work may (DEV_INSECURE_WEBHOOKS=1)."""
    app.config["DEV_INSECURE_WEBHOOKS"] = True
    return app.test_client()


@pytest.fixture
def sent(app, office):
    delivery = mail.send(OutgoingMessage(key="invite:1:7", office_id=office.id, office_slug=office.slug,
                                         purpose="invite", to_email="hanh@baoquangninh.vn", subject="Giấy mời",
                                         text="…", from_email="baochi@quangninh.gov.vn"))
    db.session.commit()  # the test's own session sees the row mail.send committed on its own
    return delivery


def event(name: str, event_id: str, **extra) -> dict:
    return {"email": "hanh@baoquangninh.vn", "timestamp": 1_790_000_000, "event": name, "sg_event_id": event_id,
            "sg_message_id": "abc.filter0001", "idempotency_key": "invite:1:7", **extra}


def test_signed_events_update_the_delivery(make_app, sent, key_pair):
    private, public = key_pair
    app = make_app(SENDGRID_WEBHOOK_PUBLIC_KEY=public)
    client = app.test_client()
    body = json.dumps([event("processed", "e1"), event("delivered", "e2"), event("open", "e3")]).encode()
    response = client.post(URL, data=body, headers=sign(private, body))
    assert response.status_code == 200 and response.get_json()["recorded"] == 3
    db.session.expire_all()
    assert db.session.get(Delivery, sent.id).provider_state == "open"


def test_without_a_public_key_the_webhook_fails_closed(app, sent):
    """No SENDGRID_WEBHOOK_PUBLIC_KEY and no DEV_INSECURE_WEBHOOKS: 503, nothing recorded, nobody suppressed."""
    response = app.test_client().post(URL, json=[event("bounce", "e9", type="bounce")])
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "not_configured"
    assert "SENDGRID_WEBHOOK_PUBLIC_KEY" in response.get_json()["error"]["message"]
    assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Suppression.id))) == 0
    db.session.expire_all()
    assert db.session.get(Delivery, sent.id).provider_state is None


def test_a_public_key_is_checked_even_for_local_work(make_app, sent, key_pair):
    """DEV_INSECURE_WEBHOOKS only lets unsigned posts in while there is no key to check them with."""
    app = make_app(SENDGRID_WEBHOOK_PUBLIC_KEY=key_pair[1], DEV_INSECURE_WEBHOOKS=True)
    assert app.test_client().post(URL, json=[event("bounce", "e9", type="bounce")]).status_code == 403
    assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 0


def test_a_later_event_arriving_first_is_not_undone(client, sent):
    body = [event("delivered", "e2"), event("processed", "e1")]
    client.post(URL, json=body)
    db.session.expire_all()
    assert db.session.get(Delivery, sent.id).provider_state == "delivered"


@pytest.mark.parametrize("headers_for", ["missing", "bad", "stale", "other_key"])
def test_bad_signatures_are_refused_and_change_nothing(make_app, sent, key_pair, headers_for):
    private, public = key_pair
    app = make_app(SENDGRID_WEBHOOK_PUBLIC_KEY=public)
    body = json.dumps([event("bounce", "e9", type="bounce")]).encode()
    if headers_for == "missing":
        headers = {"Content-Type": "application/json"}
    elif headers_for == "bad":
        headers = sign(private, b"something else")
    elif headers_for == "stale":
        headers = sign(private, body, int(time.time()) - 3600)
    else:
        headers = sign(ec.generate_private_key(ec.SECP256R1()), body)
    response = app.test_client().post(URL, data=body, headers=headers)
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Suppression.id))) == 0


def test_duplicate_events_are_recorded_once(client, sent):
    body = [event("delivered", "dup-1")]
    assert client.post(URL, json=body).get_json()["recorded"] == 1
    assert client.post(URL, json=body).get_json() == {"recorded": 0, "duplicate": 1, "unmatched": 0}
    assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 1


@pytest.mark.parametrize("name,extra,reason", [("bounce", {"type": "bounce"}, "bounced"),
                                               ("dropped", {"reason": "Bounced Address"}, "dropped"),
                                               ("spamreport", {}, "spam_report"),
                                               ("unsubscribe", {}, "unsubscribed")])
def test_hard_failures_suppress_the_address(client, sent, office, name, extra, reason):
    client.post(URL, json=[event(name, "s1", **extra)])
    suppression = db.session.scalar(db.select(Suppression))
    assert (suppression.office_id, suppression.email, suppression.reason) == (office.id, "hanh@baoquangninh.vn",
                                                                              reason)
    assert db.session.scalar(db.select(OutboxEvent.kind)) == "mail.suppressed"
    # The mail layer now refuses the address, whoever calls it.
    again = mail.send(OutgoingMessage(key="another", office_id=office.id, office_slug=office.slug, purpose="x",
                                      to_email="hanh@baoquangninh.vn", subject="s", text="t",
                                      from_email="baochi@quangninh.gov.vn"))
    assert again.state == "suppressed"


def test_a_blocked_bounce_does_not_suppress(client, sent):
    client.post(URL, json=[event("bounce", "b1", type="blocked")])
    assert db.session.scalar(db.select(Suppression)) is None


def test_events_are_matched_by_message_id_too(client, sent):
    db.session.get(Delivery, sent.id).provider_message_id = "abc"  # mail.send's row is a read-only snapshot
    db.session.commit()
    item = event("delivered", "m1")
    del item["idempotency_key"]
    client.post(URL, json=[item])
    db.session.expire_all()
    assert db.session.get(Delivery, sent.id).provider_state == "delivered"


def test_bad_bodies(client):
    assert client.post(URL, data=b"not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post(URL, json={"event": "x"}).status_code == 400
    assert client.post(URL, json=[{"event": "delivered"}, "junk"]).get_json()["recorded"] == 0
