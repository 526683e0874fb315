"""Role checks in one place: every view and endpoint asks ``can(user, action)``."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

# action -> roles allowed. Viewers read; coordinators change the network and
# schedule; spokespeople approve; admins do everything, including staff.
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset({"admin", "coordinator", "spokesperson", "viewer"}),
    "edit": frozenset({"admin", "coordinator"}),
    "approve": frozenset({"admin", "spokesperson"}),
    "answer": frozenset({"admin", "coordinator", "spokesperson"}),
    "manage_staff": frozenset({"admin"}),
    "manage_office": frozenset({"admin"}),
    "manage_jobs": frozenset({"admin"}),
    "read_mail": frozenset({"admin", "coordinator"}),
}


def can(user: Any, action: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in PERMISSIONS[action]


def require(action: str) -> Callable:
    """View decorator: log in first (Flask-Login), then 403 unless the role allows ``action``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from coordinator.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_action = action  # type: ignore[attr-defined]
        return wrapped

    return decorator
