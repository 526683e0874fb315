"""What other domains ask of policies (coverage matching, pages of other domains)."""
from __future__ import annotations

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.policies.models import Policy, PolicyBriefing


def policy_names_for_briefing(briefing_id: int) -> list[str]:
    """Names of the policies linked to a briefing (alphabetical)."""
    return list(db.session.scalars(select(Policy.name).join(PolicyBriefing, PolicyBriefing.policy_id == Policy.id)
                                   .where(PolicyBriefing.briefing_id == briefing_id).order_by(Policy.name)))


def policies_for_office(office_id: int) -> list[Policy]:
    """Every policy of the office, by name."""
    return list(db.session.scalars(select(Policy).where(Policy.office_id == office_id).order_by(Policy.name)))
