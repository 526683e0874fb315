"""``demo-data``'s network: a second and third office with their admin, outlets, ~20 journalists and their
own sender addresses, trust, one multi-point briefing with both as accepted points and attendance and
coverage at each, shared contacts; a second run changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from coordinator.attendance.models import Attendance, Coverage
from coordinator.contacts.demo import load_contacts_demo
from coordinator.contacts.models import Journalist
from coordinator.extensions import db
from coordinator.network.demo import load_network_demo
from coordinator.network.models import ConnectionPoint, ContactLink, NetworkTrust
from coordinator.network.report import network_report
from coordinator.offices.models import Office
from coordinator.users.models import User


def test_demo_network(app, office):
    load_contacts_demo(office.id)
    db.session.commit()
    summary = load_network_demo(office.id, "mat-khau-demo")
    assert "Hải Phòng" in summary and "Bắc Ninh" in summary
    points = list(db.session.scalars(select(ConnectionPoint).where(ConnectionPoint.office_id == office.id)))
    assert len(points) == 2 and {p.status for p in points} == {"accepted"}
    assert len({p.host_briefing_id for p in points}) == 1
    for point in points:
        other = db.session.get(Office, point.point_office_id)
        assert other.sender_email.endswith(other.slug.replace("-", "") + ".gov.vn")
        assert db.session.scalar(select(User).where(User.office_id == other.id, User.role == "admin")) is not None
        assert db.session.scalar(select(func.count(Journalist.id)).where(Journalist.office_id == other.id)) >= 20
        assert db.session.scalar(select(NetworkTrust.id).where(NetworkTrust.office_id == other.id,
                                                               NetworkTrust.trusted_office_id == office.id))
        assert db.session.scalar(select(func.count(Attendance.id)).where(
            Attendance.briefing_id == point.local_briefing_id)) > 0
        assert db.session.scalar(select(func.count(Coverage.id)).where(
            Coverage.briefing_id == point.local_briefing_id)) > 0
    assert db.session.scalar(select(func.count(ContactLink.id))) == 2
    report = network_report(office.id, [points[0].host_briefing])
    assert len(report["rows"]) == 3 and all(row["attended"] > 0 for row in report["rows"])
    assert "không thay đổi" in load_network_demo(office.id, "mat-khau-demo")
    assert db.session.scalar(select(func.count(ConnectionPoint.id))) == 2
