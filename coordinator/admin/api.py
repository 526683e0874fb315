"""``/api/v1/users``: the office's staff."""
from __future__ import annotations

from coordinator.api import bp, openapi
from coordinator.api.common import get_scoped, iso, office_id, paginated
from coordinator.extensions import db
from coordinator.users.models import User


def serialize_user(user: User) -> dict:
    return {"id": user.id, "email": user.email, "full_name": user.full_name, "role": user.role,
            "active": user.active, "created_at": iso(user.created_at), "last_login_at": iso(user.last_login_at)}


USER = openapi.schema("User", {
    "type": "object",
    "required": ["id", "email", "full_name", "role", "active"],
    "properties": {"id": {"type": "integer"}, "email": {"type": "string"}, "full_name": {"type": "string"},
                   "role": {"enum": ["admin", "coordinator", "spokesperson", "viewer"]},
                   "active": {"type": "boolean"},
                   "created_at": {"type": ["string", "null"], "format": "date-time"},
                   "last_login_at": {"type": ["string", "null"], "format": "date-time"}},
})
openapi.operation("/users", "get", summary="The office's staff", tag="users", parameters=openapi.PAGE_PARAMS,
                  responses={"200": openapi.json_response(openapi.page_of(USER))})
openapi.operation("/users/{user_id}", "get", summary="One staff user", tag="users",
                  responses={"200": openapi.json_response(USER)})


@bp.get("/users")
def list_users():
    query = db.select(User).where(User.office_id == office_id()).order_by(User.email)
    return paginated(query, serialize_user)


@bp.get("/users/<int:user_id>")
def get_user(user_id: int):
    return serialize_user(get_scoped(User, user_id))
