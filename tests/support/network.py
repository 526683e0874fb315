"""Helpers for the network tests: offices with their own contacts and sender addresses, trust, a
multi-point briefing, and one of each network object in office B for the tenant isolation test."""
from __future__ import annotations

from types import SimpleNamespace

from coordinator.contacts import operations as contacts
from coordinator.extensions import db
from coordinator.network import operations as ops
from coordinator.offices.operations import create_office

ADMIN = SimpleNamespace(id=None, role="admin", email="system", is_authenticated=True)


def people(office, count: int, *, prefix: str, domain: str, outlet: str, level: str = "provincial",
           kind: str = "newspaper"):
    """``count`` journalists of one outlet of ``office``, emails ``<prefix><n>@<domain>``."""
    row = contacts.find_outlet_by_name(office.id, outlet) or contacts.create_outlet(
        office.id, {"name": outlet, "kind": kind, "level": level, "website": f"https://{domain}"})
    rows = [contacts.create_journalist(office.id, {"full_name": f"Phạm Văn Đức {prefix}{n}",
                                                   "email": f"{prefix}{n}@{domain}", "outlet_id": row.id,
                                                   "phone": f"+8491234{len(prefix)}{n:03d}",
                                                   "network_sharing": True})
            for n in range(count)]
    db.session.commit()
    return rows


make_people = people


def trust(point_office, host_office):
    row = ops.add_trust(point_office, host_office.id, ADMIN)
    db.session.commit()
    return row


def network_objects(office_b, b_admin) -> dict:
    """Office B hosts a briefing with a point in a third office (and B is a point of that office's
    briefing too); B trusts the third office and offers a contact to it only. Office A sees none of it."""
    from datetime import UTC, datetime, timedelta

    from tests.support import domain

    third = create_office("thai-binh", "Văn phòng UBND tỉnh Thái Bình", sender_email="baochi@thaibinh.gov.vn")
    db.session.commit()
    trust(third, office_b)
    b_people = people(office_b, 2, prefix="nb", domain="hanoimoi.vn", outlet="Báo Hà Nội Mới")
    host = domain.adhoc(office_b, b_people, start=datetime.now(UTC) + timedelta(days=3))
    point = ops.invite_point(host, third.id, b_admin)
    db.session.commit()
    offer = ops.offer_contacts(office_b, b_admin, journalist_ids=[b_people[0].id], office_ids=[third.id])[0]
    row = trust(office_b, third)
    return {"point_id": point.id, "offer_id": offer.id, "trust_id": row.id}


def seed_network(office, staff_people) -> dict:
    """For the browser crawl: Hải Phòng trusts this office and took part in one of its briefings (with
    attendance), invited this office to one of its own (pending), and each shares a contact with the other."""
    from datetime import UTC, datetime, timedelta

    from coordinator.attendance import operations as attendance
    from tests.support import domain

    hp = create_office("hai-phong", "Văn phòng UBND TP Hải Phòng", sender_email="baochi@haiphong.gov.vn")
    db.session.commit()
    trust(hp, office)
    trust(office, hp)
    hp_people = make_people(hp, 3, prefix="hp", domain="baohaiphong.vn", outlet="Báo Hải Phòng")
    hosted = domain.adhoc(office, staff_people[:2], start=datetime.now(UTC) - timedelta(days=2),
                          title="Hội nghị trực tuyến về truyền thông chính sách")
    point = ops.invite_point(hosted, hp.id, ADMIN, "Kính mời tham dự")
    db.session.commit()
    local = ops.accept_point(point, ADMIN, {"journalist_ids": [j.id for j in hp_people]}, "Điểm cầu Hải Phòng")
    db.session.commit()
    from coordinator.invitations.operations import sync_invitations, target_of

    sync_invitations(target_of(local))
    attendance.check_in(local, hp_people[0], window=(timedelta(days=3), timedelta(days=3)))
    db.session.commit()
    theirs = domain.adhoc(hp, hp_people, start=datetime.now(UTC) + timedelta(days=5),
                          title="Họp báo liên tỉnh về du lịch biển")
    incoming = ops.invite_point(theirs, office.id, ADMIN)
    # The journalist's own consent to being shared (Law 91/2025/QH15), as they would give it in the portal.
    contacts.record_consent(staff_people[0], {"basis": "consent", "purpose": "Mời họp báo", "network_sharing": True},
                            source="portal")
    ops.offer_contacts(office, ADMIN, journalist_ids=[staff_people[0].id])
    ops.offer_contacts(hp, ADMIN, journalist_ids=[hp_people[1].id])
    db.session.commit()
    return {"hp": hp, "hosted": hosted, "incoming": incoming, "hp_people": hp_people}
