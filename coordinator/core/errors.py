"""Domain errors raised by services; the web and API layers turn them into answers."""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, str] | None = None):
        self.fields = fields or {}
        super().__init__(message or "; ".join(self.fields.values()))

    @property
    def message(self) -> str:
        return str(self)


class ValidationError(DomainError):
    """Bad input: ``fields`` maps each field to a message (Vietnamese first)."""

    status = 422
    code = "validation_error"

    def __init__(self, fields: dict[str, str] | str, message: str | None = None):
        if isinstance(fields, str):
            fields = {"_": fields}
        super().__init__(message or "; ".join(fields.values()), fields)


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
