"""Every model, imported in one place so that the metadata (Alembic, the worker, the tests) sees every table.

Each domain's ``models`` module declares its own tables; importing the module registers them.
"""
from coordinator.attendance import models as attendance  # noqa: F401
from coordinator.contacts import models as contacts  # noqa: F401
from coordinator.core import audit, events  # noqa: F401 (the audit log and the outbox)
from coordinator.invitations import models as invitations  # noqa: F401
from coordinator.mail import models as mail  # noqa: F401
from coordinator.monitoring import models as monitoring  # noqa: F401
from coordinator.network import models as network  # noqa: F401
from coordinator.offices import models as offices  # noqa: F401
from coordinator.packs import models as packs  # noqa: F401
from coordinator.policies import models as policies  # noqa: F401
from coordinator.privacy import models as privacy  # noqa: F401
from coordinator.schedule import models as schedule  # noqa: F401
from coordinator.users import models as users  # noqa: F401
