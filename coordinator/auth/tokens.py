"""Signed, expiring links for staff (set a password)."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from coordinator.extensions import db
from coordinator.users.models import User

PASSWORD_LINK_MAX_AGE = 3 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="set-password")


def password_token(user: User) -> str:
    # The current hash is part of the token, so a link stops working once it has been used.
    return _serializer().dumps({"u": user.id, "h": (user.password_hash or "")[-16:]})


def user_from_password_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=PASSWORD_LINK_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or (user.password_hash or "")[-16:] != data.get("h"):
        return None
    return user
