"""What a pack fan-out sends: a released version (or its correction, or the follow-up after the briefing)
to its recipient rows (``PackRecipient``), each recorded as sent when the provider takes it."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import joinedload

from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.mail.fanout import Recipient, Target, target
from coordinator.mail.message import OutgoingMessage
from coordinator.offices.models import Office
from coordinator.packs import messages
from coordinator.packs.models import Pack, PackRecipient


@target
class PackTarget(Target):
    kind = "pack"

    def prepare(self) -> bool:
        self.pack = db.session.get(Pack, self.spec["pack_id"], populate_existing=True)
        self.purpose = self.spec["purpose"]
        self.office = db.session.get(Office, self.fan.office_id)
        return self.pack is not None and self.pack.status == "released"

    def recipients(self) -> list[Recipient]:
        rows = db.session.execute(
            select(PackRecipient.id, PackRecipient.journalist_id, Journalist.email, Journalist.status)
            .join(Journalist, Journalist.id == PackRecipient.journalist_id)
            .where(PackRecipient.pack_id == self.pack.id, PackRecipient.purpose == self.purpose)
            .order_by(PackRecipient.journalist_id)).all()
        return [Recipient(row_id=row.id, key=messages.message_key(self.pack, row.journalist_id, self.purpose),
                          email=row.email, mailable=row.status == "active") for row in rows]

    def load(self, row_ids: Sequence[int]) -> Mapping[int, PackRecipient]:
        rows = db.session.scalars(select(PackRecipient).options(joinedload(PackRecipient.journalist))
                                  .where(PackRecipient.id.in_(list(row_ids)))).unique()
        return {row.id: row for row in rows}

    def build(self, recipient: PackRecipient) -> OutgoingMessage:
        return messages.pack_message(self.pack, recipient.journalist, self.office, self.purpose)

    def record(self, connection: Connection, finished: Sequence[tuple[Any, int, str]]) -> None:
        now = clock.now()
        for recipient, delivery_id, state in finished:
            values: dict[str, Any] = {"last_delivery_id": delivery_id}
            if state == "sent":
                values["sent_at"] = recipient.sent_at or now
            connection.execute(update(PackRecipient).where(PackRecipient.id == recipient.id).values(**values))
