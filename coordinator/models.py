"""Every model, imported in one place for metadata, migrations and the worker."""
from coordinator.core.audit import AuditLog  # noqa: F401
from coordinator.core.events import OutboxEvent  # noqa: F401
from coordinator.mail.models import Delivery, Suppression  # noqa: F401
from coordinator.offices.models import Office  # noqa: F401
from coordinator.users.models import ApiToken, User  # noqa: F401
