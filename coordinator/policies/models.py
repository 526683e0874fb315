"""Policies, their links to briefings/packs/questions/coverage, the annual plan and consultation comments."""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.contacts.models import Beat, Journalist
from coordinator.core import clock
from coordinator.core.db import OfficeRow, Row, UTCDateTime
from coordinator.extensions import db

STAGES = ("drafting", "issued", "in_force", "under_review")
COMMENT_STATUSES = ("pending", "accepted", "answered", "declined")
LINK_KINDS = ("briefing", "pack", "question", "coverage")
QUARTERS = (1, 2, 3, 4)


class Policy(OfficeRow, db.Model):
    """A policy an office communicates, with the date it reached each stage."""

    __tablename__ = "policy"
    __table_args__ = (Index("ix_policy_office_stage", "office_id", "stage"),)

    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    beat_id: Mapped[int | None] = mapped_column(ForeignKey("beat.id", ondelete="SET NULL"))
    owner_department: Mapped[str] = mapped_column(String(255), default="")
    stage: Mapped[str] = mapped_column(String(20), default="drafting")
    drafting_on: Mapped[date | None] = mapped_column(Date)
    issued_on: Mapped[date | None] = mapped_column(Date)
    in_force_on: Mapped[date | None] = mapped_column(Date)
    under_review_on: Mapped[date | None] = mapped_column(Date)
    document_number: Mapped[str | None] = mapped_column(String(100))
    consultation_open: Mapped[bool] = mapped_column(Boolean, default=False)
    citizen_comments: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    beat: Mapped[Beat | None] = relationship(lazy="joined")

    @property
    def open_for_comments(self) -> bool:
        return self.stage == "drafting" and bool(self.consultation_open)

    def stage_date(self, stage: str | None = None) -> date | None:
        return getattr(self, f"{stage or self.stage}_on")

    def __repr__(self) -> str:
        return f"<Policy {self.id} {self.stage}>"


def _link_table(name: str, target: str) -> type:
    """A (policy, object) pair table: unique pair, both sides cascade on delete."""
    columns = {
        "__tablename__": f"policy_{name}",
        "policy_id": mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), primary_key=True),
        f"{name}_id": mapped_column(ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True,
                                    index=True),
        "created_at": mapped_column(UTCDateTime(), default=clock.now, nullable=False),
        "__annotations__": {"policy_id": Mapped[int], f"{name}_id": Mapped[int]},
    }
    return type(f"Policy{name.title()}", (db.Model,), columns)


PolicyBriefing = _link_table("briefing", "briefing")
PolicyPack = _link_table("pack", "pack")
PolicyQuestion = _link_table("question", "question")
PolicyCoverage = _link_table("coverage", "coverage")
LINK_MODELS = {"briefing": PolicyBriefing, "pack": PolicyPack, "question": PolicyQuestion,
               "coverage": PolicyCoverage}


class CommunicationPlan(OfficeRow, db.Model):
    """The office's communication plan for one year."""

    __tablename__ = "communication_plan"
    __table_args__ = (UniqueConstraint("office_id", "year"),)

    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    responsible: Mapped[str] = mapped_column(String(255), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    items: Mapped[list[PlanItem]] = relationship(back_populates="plan", order_by="PlanItem.id",
                                                 cascade="all, delete-orphan", passive_deletes=True)


class PlanItem(Row, db.Model):
    """One policy in a year's plan: briefings and packs planned per quarter, audiences, who is responsible."""

    __tablename__ = "plan_item"
    __table_args__ = (UniqueConstraint("plan_id", "policy_id"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("communication_plan.id", ondelete="CASCADE"))
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), index=True)
    # Four integers each, Q1..Q4.
    planned_briefings: Mapped[list] = mapped_column(JSON, default=lambda: [0, 0, 0, 0])
    planned_packs: Mapped[list] = mapped_column(JSON, default=lambda: [0, 0, 0, 0])
    # {"beat_ids": [...], "list_ids": [...]}
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    responsible: Mapped[str] = mapped_column(String(255), default="")
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    plan: Mapped[CommunicationPlan] = relationship(back_populates="items")
    policy: Mapped[Policy] = relationship(lazy="joined")


class PolicyComment(OfficeRow, db.Model):
    """A comment sent on a policy's public consultation page; staff triage it like a question."""

    __tablename__ = "policy_comment"
    __table_args__ = (Index("ix_policy_comment_policy_created", "policy_id", "created_at"),
                      Index("ix_policy_comment_office_status", "office_id", "status"))

    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"))
    journalist_id: Mapped[int | None] = mapped_column(ForeignKey("journalist.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(255))
    author_email: Mapped[str | None] = mapped_column(String(255))
    is_citizen: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    reply: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    triaged_at = mapped_column(UTCDateTime())
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    policy: Mapped[Policy] = relationship()
    journalist: Mapped[Journalist | None] = relationship(lazy="joined")
