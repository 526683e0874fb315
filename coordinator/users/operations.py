"""Create and change staff users and API tokens. Functions flush, never commit."""
from __future__ import annotations

import hashlib
import re
import secrets

from flask_babel import gettext as _

from coordinator.core import audit, clock, events
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.users.models import ROLES, ApiToken, User
from coordinator.users.passwords import hash_password

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "pbc_"


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
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = _("Mật khẩu cần ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH)
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
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError({"password": _("Mật khẩu cần ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH)})
    user.password_hash = hash_password(password)
    audit.record("user.password_set", user)


def change_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise ValidationError({"role": _("Vai trò không hợp lệ: %(role)s (chọn một trong: %(choices)s).",
                                         role=role, choices=", ".join(ROLES))})
    old = user.role
    user.role = role
    audit.record("user.role_changed", user, data={"from": old, "to": role})


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """Return the stored token row and the token itself (shown once, never stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits
    row = ApiToken(user_id=user.id, office_id=user.office_id, name=name.strip()[:120],
                   token_hash=_hash_token(token), prefix=token[:12])
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.created", row, data={"user": user.email, "prefix": row.prefix})
    return row, token


def revoke_api_token(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit.record("api_token.revoked", row, data={"prefix": row.prefix})


def authenticate_token(token: str) -> ApiToken | None:
    """The live token row for ``token``, or None. Records the time of use."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = clock.now()
    return row
