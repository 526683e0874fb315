"""Provider webhooks: SendGrid's event webhook (delivery states, bounces, spam reports).

Every POST must carry a valid ECDSA (P-256, SHA-256) signature, by SENDGRID_WEBHOOK_PUBLIC_KEY, over
``timestamp + raw body`` and a fresh timestamp; otherwise it answers 403 and changes nothing. Without
the key it fails closed (503), unless DEV_INSECURE_WEBHOOKS=1 (local work) lets unsigned posts in.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from coordinator.core import clock, events, uow
from coordinator.extensions import csrf, db, limiter
from coordinator.mail.models import Delivery, ProviderEvent, Suppression

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
csrf.exempt(bp)
limiter.exempt(bp)

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
TIMESTAMP_TOLERANCE = 300  # seconds either way

# How far along a message is; a later event never moves it back.
PROGRESS = {"processed": 1, "deferred": 2, "delivered": 3, "open": 4, "click": 5}
# Events that stop mail to the address until staff clears it.
SUPPRESSING = {"bounce": "bounced", "dropped": "dropped", "spamreport": "spam_report",
               "unsubscribe": "unsubscribed", "group_unsubscribe": "unsubscribed"}
FINAL = {"bounce", "dropped", "spamreport", "unsubscribe", "group_unsubscribe"}


def _error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message, "fields": {}}}), status


def verify_signature(public_key_b64: str, payload: bytes, signature_b64: str, timestamp: str) -> bool:
    try:
        key = load_der_public_key(base64.b64decode(public_key_b64))
        signature = base64.b64decode(signature_b64, validate=True)
    except (ValueError, binascii.Error):
        return False
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(signature, timestamp.encode() + payload, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _check_signature() -> tuple | None:
    public_key = current_app.config.get("SENDGRID_WEBHOOK_PUBLIC_KEY")
    if not public_key:
        if current_app.config.get("DEV_INSECURE_WEBHOOKS"):
            return None
        log.warning("event webhook refused: SENDGRID_WEBHOOK_PUBLIC_KEY is not set")
        return _error(503, "not_configured", "the event webhook is not configured (SENDGRID_WEBHOOK_PUBLIC_KEY)")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    if not signature or not timestamp:
        return _error(403, "forbidden", "missing signature")
    if not verify_signature(public_key, request.get_data(cache=True), signature, timestamp):
        return _error(403, "forbidden", "bad signature")
    try:
        age = abs(clock.timestamp() - int(timestamp))
    except ValueError:
        return _error(403, "forbidden", "bad timestamp")
    if age > TIMESTAMP_TOLERANCE:
        return _error(403, "forbidden", "stale timestamp")
    return None


def _find_delivery(item: dict[str, Any]) -> Delivery | None:
    key = item.get("idempotency_key")
    if isinstance(key, str) and key:
        found = db.session.scalar(db.select(Delivery).where(Delivery.key == key))
        if found is not None:
            return found
    message_id = str(item.get("sg_message_id") or "").split(".", 1)[0]
    if message_id:
        return db.session.scalar(db.select(Delivery).where(Delivery.provider_message_id == message_id))
    return None


def _apply(delivery: Delivery, name: str) -> None:
    current = delivery.provider_state
    if current in FINAL:
        return
    if name in FINAL or PROGRESS.get(name, 0) > PROGRESS.get(current or "", 0):
        delivery.provider_state = name


def suppress(office_id: int, email: str, reason: str, detail: str | None = None) -> bool:
    """Add a suppression (idempotent); True when it is new. Emits ``mail.suppressed``."""
    email = email.strip().lower()
    exists = db.session.scalar(db.select(Suppression.id).where(Suppression.office_id == office_id,
                                                               Suppression.email == email))
    if exists:
        return False
    db.session.add(Suppression(office_id=office_id, email=email, reason=reason, detail=detail))
    db.session.flush()
    events.emit("mail.suppressed", office_id=office_id, payload={"email": email, "reason": reason})
    return True


def process_events(items: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"recorded": 0, "duplicate": 0, "unmatched": 0}
    for item in items:
        if not isinstance(item, dict):
            continue
        event_id = str(item.get("sg_event_id") or "")
        name = str(item.get("event") or "")
        if not event_id or not name:
            continue
        if db.session.scalar(db.select(ProviderEvent.id).where(ProviderEvent.event_id == event_id)):
            counts["duplicate"] += 1
            continue
        delivery = _find_delivery(item)
        occurred = None
        if isinstance(item.get("timestamp"), int | float):
            occurred = datetime.fromtimestamp(item["timestamp"], tz=UTC)
        detail = str(item.get("reason") or item.get("response") or "")[:2000] or None
        db.session.add(ProviderEvent(event_id=event_id, event=name, email=str(item.get("email") or "")[:255],
                                     delivery_id=delivery.id if delivery else None,
                                     office_id=delivery.office_id if delivery else None,
                                     occurred_at=occurred, detail=detail))
        counts["recorded"] += 1
        if delivery is None:
            counts["unmatched"] += 1
            continue
        _apply(delivery, name)
        soft_block = name == "bounce" and item.get("type") == "blocked"
        if name in SUPPRESSING and not soft_block and delivery.office_id:
            suppress(delivery.office_id, delivery.recipient, SUPPRESSING[name], detail)
    return counts


# SendGrid posts its events in batches (up to about a thousand); far more in one post is not SendGrid.
MAX_EVENTS_PER_POST = 5000


@bp.post("/sendgrid/events")
def sendgrid_events():
    refused = _check_signature()
    if refused is not None:
        return refused
    try:
        items = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, RecursionError):
        return _error(400, "bad_request", "body is not JSON")
    if not isinstance(items, list):
        return _error(400, "bad_request", "expected a JSON array of events")
    if len(items) > MAX_EVENTS_PER_POST:
        return _error(413, "payload_too_large", f"at most {MAX_EVENTS_PER_POST} events per post")
    try:
        counts = process_events(items)
    except IntegrityError:  # the same batch arriving twice at once: the other request recorded it
        uow.abandon()
        return jsonify({"recorded": 0, "duplicate": len(items)})
    return jsonify(counts)
