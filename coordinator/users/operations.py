"""Create and change staff users and API tokens. Functions flush, never commit."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask_babel import gettext as _

from coordinator.core import audit, clock, events
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.users import lockout, sessions
from coordinator.users.models import ROLES, TOKEN_SCOPES, ApiToken, User
from coordinator.users.passwords import hash_password, password_problem

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "pbc_"
TOKEN_DEFAULT_DAYS = 365
TOKEN_MAX_DAYS = 730


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def validate_email(email: str, field: str = "email") -> str:
    email = normalise_email(email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise ValidationError({field: _("Địa chỉ email không hợp lệ: %(email)s", email=email or "∅")})
    return email


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def create_user(office: Office, email: str, role: str, *, password: str | None = None,
                full_name: str = "", send_welcome: bool = True) -> User:
    """Add a staff user; emits ``user.created`` so the welcome mail goes out after commit."""
    errors: dict[str, str] = {}
    try:
        email = validate_email(email)
    except ValidationError as exc:
        errors.update(exc.fields)
    else:
        if get_user_by_email(email) is not None:
            errors["email"] = _("Email %(email)s đã được dùng cho một tài khoản khác.", email=email)
    if role not in ROLES:
        errors["role"] = _("Vai trò không hợp lệ: %(role)s (chọn một trong: %(choices)s).",
                           role=role, choices=", ".join(ROLES))
    if password is not None:
        problem = password_problem(password, email=email, full_name=full_name, office_name=office.name,
                                   office_slug=office.slug)
        if problem:
            errors["password"] = problem
    if errors:
        raise ValidationError(errors)
    user = User(office_id=office.id, email=email, role=role, full_name=full_name.strip(),
                password_hash=hash_password(password) if password else None)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, data={"email": email, "role": role})
    if send_welcome:
        events.emit("user.created", office_id=office.id, payload={"user_id": user.id})
    return user


def set_password(user: User, password: str) -> None:
    """A new password: every session the user had ends (a copied cookie stops working) and a lock is lifted."""
    problem = password_problem(password, email=user.email, full_name=user.full_name,
                               office_name=user.office.name, office_slug=user.office.slug)
    if problem:
        raise ValidationError({"password": problem})
    user.password_hash = hash_password(password)
    audit.record("user.password_set", user)
    sessions.revoke_all(user, "password_changed")
    lockout.clear(user.email)


def change_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise ValidationError({"role": _("Vai trò không hợp lệ: %(role)s (chọn một trong: %(choices)s).",
                                         role=role, choices=", ".join(ROLES))})
    old = user.role
    if old == role:
        return
    user.role = role
    audit.record("user.role_changed", user, data={"from": old, "to": role})
    sessions.revoke_all(user, "role_changed")


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate a user; a deactivated user's sessions end at once."""
    if user.active == active:
        return
    user.active = active
    audit.record("user.activated" if active else "user.deactivated", user)
    if not active:
        sessions.revoke_all(user, "deactivated")


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, name: str = "", *, scope: str | None = None,
                     days: int | None = None) -> tuple[ApiToken, str]:
    """Return the stored token row and the token itself (shown once, never stored: only its SHA-256).

    ``scope`` defaults to what the role can use at most (``admin`` for admins, else ``read_write``);
    ``days`` (1 to ``TOKEN_MAX_DAYS``) to ``TOKEN_DEFAULT_DAYS``."""
    scope = scope or ("admin" if user.role == "admin" else "read_write")
    days = TOKEN_DEFAULT_DAYS if days is None else days
    errors = {}
    if scope not in TOKEN_SCOPES:
        errors["scope"] = _("Phạm vi không hợp lệ.")
    elif scope == "admin" and user.role != "admin":
        errors["scope"] = _("Chỉ quản trị viên được tạo mã quản trị.")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= TOKEN_MAX_DAYS:
        errors["days"] = _("Thời hạn phải từ 1 đến %(max)s ngày.", max=TOKEN_MAX_DAYS)
    if errors:
        raise ValidationError(errors)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits
    now = clock.now()
    row = ApiToken(user_id=user.id, office_id=user.office_id, name=name.strip()[:120],
                   token_hash=_hash_token(token), prefix=token[:12], scope=scope, created_at=now,
                   expires_at=now + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.created", row, data={"user": user.email, "prefix": row.prefix, "scope": scope,
                                                 "days": days})
    return row, token


def revoke_api_token(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit.record("api_token.revoked", row, data={"prefix": row.prefix})


def find_api_token(token: str) -> tuple[ApiToken | None, str]:
    """(the live token row, "") or (None, "invalid" | "expired"). Records the time of use.

    The row is found by the SHA-256 of the token (a 256-bit secret: the hash cannot be guessed a prefix at
    a time) and the hashes are compared again in constant time."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None, "invalid"
    digest = _hash_token(token)
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == digest))
    if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked_at is not None \
            or not row.user.active:
        return None, "invalid"
    if row.expires_at is not None and clock.now() >= row.expires_at:
        return None, "expired"
    row.last_used_at = clock.now()
    return row, ""


def authenticate_token(token: str) -> ApiToken | None:
    """The live token row for ``token``, or None. Records the time of use."""
    return find_api_token(token)[0]
