"""``demo-data``'s contact network: every kind and level, ~300 names with diacritics, idempotent."""
from __future__ import annotations

from sqlalchemy import func, select

from coordinator.contacts.demo import load_contacts_demo
from coordinator.contacts.models import OUTLET_KINDS, OUTLET_LEVELS, DistributionList, Journalist, Outlet
from coordinator.extensions import db


def test_demo_contacts(app, office):
    summary = load_contacts_demo(office.id)
    db.session.commit()
    assert "300 nhà báo" in summary
    outlets = list(db.session.scalars(select(Outlet).where(Outlet.office_id == office.id)))
    assert len(outlets) >= 40
    assert {o.kind for o in outlets} == set(OUTLET_KINDS)
    assert {o.level for o in outlets} == set(OUTLET_LEVELS)
    names = list(db.session.scalars(select(Journalist.full_name)))
    assert len(names) == 300 and sum(1 for n in names if n != n.encode("ascii", "ignore").decode()) > 250
    assert db.session.scalar(select(func.count(DistributionList.id))) == 5
    assert "không thay đổi" in load_contacts_demo(office.id)
    assert db.session.scalar(select(func.count(Journalist.id))) == 300
