"""Every model, imported in one place for metadata, migrations and the worker."""
from coordinator.attendance.models import Attendance, Coverage, Question  # noqa: F401
from coordinator.contacts.models import (  # noqa: F401
    Beat,
    ContactImport,
    DistributionList,
    DistributionListMember,
    Journalist,
    JournalistOutletHistory,
    Outlet,
    journalist_beat,
)
from coordinator.core.audit import AuditLog  # noqa: F401
from coordinator.core.events import OutboxEvent  # noqa: F401
from coordinator.invitations.models import Invitation, OccurrenceRsvp  # noqa: F401
from coordinator.mail.models import Delivery, FanOut, ProviderEvent, Suppression  # noqa: F401
from coordinator.monitoring.models import (  # noqa: F401
    FeedItem,
    MatchProposal,
    MonitoringSettings,
    OutletFeed,
    PhraseWeight,
)
from coordinator.network.models import (  # noqa: F401
    ConnectionPoint,
    ContactLink,
    ContactOffer,
    NetworkPackCopy,
    NetworkTrust,
)
from coordinator.offices.models import Office  # noqa: F401
from coordinator.packs.models import (  # noqa: F401
    Pack,
    PackApproval,
    PackDownload,
    PackFile,
    PackRecipient,
    PackSettings,
)
from coordinator.policies.models import (  # noqa: F401
    CommunicationPlan,
    PlanItem,
    Policy,
    PolicyBriefing,
    PolicyComment,
    PolicyCoverage,
    PolicyPack,
    PolicyQuestion,
)
from coordinator.schedule.models import (  # noqa: F401
    Briefing,
    FeedState,
    JournalistFeedToken,
    OfficeClosure,
    ScheduleState,
    Series,
)
from coordinator.users.models import ApiToken, User  # noqa: F401
