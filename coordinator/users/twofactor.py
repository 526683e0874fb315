"""Two-factor sign-in with TOTP (RFC 6238, as authenticator apps speak it) and single-use recovery codes.
Functions flush, never commit.

Setting up keeps the new secret aside (``totp_pending_secret``) until a code from the app proves it was
scanned; only then is it the user's (``totp_secret``). A code is accepted once: the time step it belongs
to is remembered (``totp_last_step``) and a code of that step or an earlier one is refused, even within its
30 seconds, so a code seen over a shoulder or in a log cannot be replayed. The step is claimed with a
conditional UPDATE, so two requests racing with one code cannot both pass.

Recovery codes (ten, shown once) are kept as SHA-256 hashes: they are random, 50 bits each, so a slow
hash adds nothing. Turning two-factor on or off ends the user's other sessions and is in the audit log.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from flask import current_app
from sqlalchemy import update

from coordinator.core import audit, clock
from coordinator.extensions import db
from coordinator.users import sessions
from coordinator.users.models import RecoveryCode, User, UserSession

PRODUCT_NAME = "Điều phối họp báo"
RECOVERY_CODES = 10
STEP_SECONDS = 30
# Codes of the step before and after now are accepted too: phones' clocks drift, people type slowly.
DRIFT_STEPS = 1
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper, typed by hand


def required_for(user: User) -> bool:
    """Whether ``user`` must sign in with a second factor: every admin, and all staff where the office says so."""
    if user.office is not None and user.office.require_two_factor:
        return True
    return user.role == "admin" and bool(current_app.config.get("TWOFACTOR_ADMIN_REQUIRED", True))


def issuer(user: User) -> str:
    """The name the authenticator app shows above the code: the product and the office."""
    return f"{PRODUCT_NAME} · {user.office.name}".replace(":", " ")  # a colon would split the app's label


def begin_setup(user: User) -> str:
    """A fresh secret for the app to scan, kept aside until a code confirms it; returns the secret."""
    user.totp_pending_secret = pyotp.random_base32()  # 160 bits
    db.session.flush()
    return user.totp_pending_secret


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://totp/...`` address the QR code carries."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer(user))


def _clean_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-").lower()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (around now) whose code is ``code``, or None."""
    code = _clean_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(clock.timestamp()) // STEP_SECONDS
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Remember ``step`` as used, unless it (or a later one) already was: True if this request got it."""
    table = User.__table__
    claimed = db.session.execute(update(table).where(
        table.c.id == user.id, (table.c.totp_last_step.is_(None)) | (table.c.totp_last_step < step))
        .values(totp_last_step=step)).rowcount
    if claimed:
        db.session.expire(user, ["totp_last_step"])
    return bool(claimed)


def confirm_setup(user: User, code: str, *, keep: UserSession | None) -> list[str] | None:
    """Turn two-factor on if ``code`` comes from the secret being set up; returns the recovery codes
    (shown once), or None when the code is wrong."""
    secret = user.totp_pending_secret
    if not secret:
        return None
    step = _matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret, user.totp_pending_secret = secret, None
    user.totp_enabled_at = clock.now()
    user.totp_last_step = step  # the code that confirmed it is used up
    db.session.flush()
    codes = _new_recovery_codes(user)
    audit.record("user.two_factor_enabled", user)
    sessions.revoke_all(user, "two_factor_changed", keep=keep)
    return codes


def disable(user: User, *, keep: UserSession | None) -> None:
    """Turn two-factor off: the secret and the recovery codes are gone, other sessions end."""
    user.totp_secret = user.totp_pending_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(RecoveryCode.__table__.delete().where(RecoveryCode.__table__.c.user_id == user.id))
    audit.record("user.two_factor_disabled", user)
    sessions.revoke_all(user, "two_factor_changed", keep=keep)


def regenerate_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(user)
    audit.record("user.recovery_codes_regenerated", user)
    return codes


def _hash(code: str) -> str:
    return hashlib.sha256(_clean_code(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    table = RecoveryCode.__table__
    db.session.execute(table.delete().where(table.c.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(db.select(db.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def _use_recovery_code(user: User, code: str) -> bool:
    cleaned = _clean_code(code)
    if len(cleaned) != 10:
        return False
    table = RecoveryCode.__table__
    used = db.session.execute(update(table).where(
        table.c.user_id == user.id, table.c.code_hash == _hash(cleaned), table.c.used_at.is_(None))
        .values(used_at=clock.now())).rowcount
    return bool(used)


def verify(user: User, code: str) -> str | None:
    """Check a sign-in's second step: ``"totp"`` or ``"recovery"`` when it passes, None when it does not.
    A TOTP code passes once; a recovery code is used up."""
    if not user.totp_secret:
        return None
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        return "totp" if _claim_step(user, step) else None
    if _use_recovery_code(user, code):
        audit.record("user.recovery_code_used", user, actor_user_id=user.id, actor_label=user.email,
                     data={"left": recovery_codes_left(user)})
        return "recovery"
    return None

