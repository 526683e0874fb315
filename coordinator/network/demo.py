"""Demo network for ``flask demo-data``: Hải Phòng and Bắc Ninh press offices (each with its admin, a few
outlets, ~20 journalists and its own sender address), both trusting Quảng Ninh; one multi-point briefing
hosted by Quảng Ninh with both as accepted points and attendance and coverage at each; a couple of shared
contacts. Idempotent: a second run changes nothing."""
from __future__ import annotations

import random
from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coordinator.attendance import operations as attendance
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Journalist, Outlet
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations.operations import invitations_of, sync_invitations, target_of
from coordinator.network import operations as ops
from coordinator.network.models import ConnectionPoint
from coordinator.offices.models import Office
from coordinator.offices.operations import create_office, get_office_by_slug
from coordinator.schedule import operations as schedule
from coordinator.users.operations import create_user, get_user_by_email

SEED = 20261122
SYSTEM = SimpleNamespace(id=None, role="admin", email="system", is_authenticated=True)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Quang", "Ngọc", "Hải", "Thanh")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Sơn",
         "Tâm", "Thảo", "Trung", "Tú", "Vân", "Yến", "Khánh")
BEATS = ("Kinh tế", "Xã hội", "Du lịch", "Giao thông", "Y tế", "Giáo dục")
OFFICES = (
    {"slug": "hai-phong", "name": "Văn phòng UBND TP Hải Phòng", "sender": "baochi@haiphong.gov.vn",
     "sender_name": "Bộ phận Báo chí – UBND TP Hải Phòng", "admin": ("admin@haiphong.gov.vn", "Vũ Thanh Hải"),
     "venue": "Điểm cầu UBND TP Hải Phòng, 18 Hoàng Diệu",
     "outlets": (("Báo Hải Phòng", "newspaper", "provincial", "baohaiphong.com.vn"),
                 ("Đài Phát thanh và Truyền hình Hải Phòng", "tv", "provincial", "thhp.vn"),
                 ("Cổng thông tin quận Lê Chân", "online", "local", "lechan.haiphong.gov.vn"),
                 ("Báo Lao Động – Văn phòng Hải Phòng", "newspaper", "central", "laodong.vn"))},
    {"slug": "bac-ninh", "name": "Văn phòng UBND tỉnh Bắc Ninh", "sender": "baochi@bacninh.gov.vn",
     "sender_name": "Bộ phận Báo chí – UBND tỉnh Bắc Ninh", "admin": ("admin@bacninh.gov.vn", "Nguyễn Ngọc Lan"),
     "venue": "Điểm cầu UBND tỉnh Bắc Ninh, 10 Phù Đổng Thiên Vương",
     "outlets": (("Báo Bắc Ninh", "newspaper", "provincial", "baobacninh.vn"),
                 ("Đài Phát thanh và Truyền hình Bắc Ninh", "tv", "provincial", "bacninhtv.vn"),
                 ("Trung tâm Văn hóa – Thông tin TP Từ Sơn", "radio", "local", "tuson.bacninh.gov.vn"),
                 ("Báo Tuổi Trẻ – Văn phòng Bắc Ninh", "newspaper", "central", "tuoitre.vn"))},
)


def _office(spec: dict, password: str | None, rng: random.Random) -> Office:
    office = get_office_by_slug(spec["slug"])
    if office is None:
        office = create_office(spec["slug"], spec["name"], timezone="Asia/Ho_Chi_Minh", sender_email=spec["sender"])
        office.sender_name = spec["sender_name"]
    email, name = spec["admin"]
    if get_user_by_email(email) is None:
        create_user(office, email, "admin", password=password, full_name=name, send_welcome=False)
    if db.session.scalar(select(Journalist.id).where(Journalist.office_id == office.id).limit(1)) is None:
        outlets = [contacts.create_outlet(office.id, {"name": n, "kind": k, "level": lv, "website": f"https://{d}"})
                   for n, k, lv, d in spec["outlets"]]
        members = []
        for n in range(20):
            outlet = outlets[n % len(outlets)]
            host = spec["outlets"][n % len(outlets)][3]
            full = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            members.append(contacts.create_journalist(office.id, {
                "full_name": full, "email": f"pv{n + 1:02d}@{host}", "outlet_id": outlet.id,
                "beats": rng.sample(BEATS, 2)}))
        contacts.create_list(office.id, {"name": f"Báo chí {spec['name'].split(' ', 3)[-1]}",
                                         "member_ids": [j.id for j in members]})
    db.session.flush()
    return office


def _central_of(office_id: int) -> list[Journalist]:
    """The office's first journalist of a central outlet (the one it offers to the network)."""
    return list(db.session.scalars(select(Journalist).join(Outlet, Outlet.id == Journalist.outlet_id).where(
        Journalist.office_id == office_id, Outlet.level == "central").order_by(Journalist.id).limit(1)))


def _attend_and_cover(briefing, office_id: int, rng: random.Random, share: float) -> None:
    sync_invitations(target_of(briefing))
    seen: set[int] = set()
    for invitation in invitations_of(target_of(briefing)):
        invitation.rsvp = "accepted" if rng.random() < 0.7 else "needs_action"
        if rng.random() < share:
            attendance.check_in(briefing, invitation.journalist, mode="online", method="staff",
                                now=briefing.start + timedelta(minutes=5))
            outlet = invitation.journalist.outlet
            if outlet.id not in seen and rng.random() < 0.6:
                seen.add(outlet.id)
                site = (outlet.website or "https://example.vn").rstrip("/")
                attendance.create_coverage(office_id, {
                    "url": f"{site}/hoi-nghi-truc-tuyen-truyen-thong-chinh-sach-{briefing.id}-{outlet.id}",
                    "outlet_id": outlet.id, "briefing_id": briefing.id,
                    "title": "Hội nghị trực tuyến về công tác truyền thông chính sách",
                    "published_on": (briefing.start + timedelta(days=1)).date().isoformat(), "tone": "positive"})


def load_network_demo(host_office_id: int, password: str | None = None) -> str:
    host = db.session.get(Office, host_office_id)
    if db.session.scalar(select(ConnectionPoint.id).where(ConnectionPoint.office_id == host.id).limit(1)):
        return "  Mạng lưới văn phòng: đã có, không thay đổi."
    rng = random.Random(SEED)
    points = [(spec, _office(spec, password, rng)) for spec in OFFICES]
    for _spec, office in points:
        if not ops.is_trusted(office.id, host.id):
            ops.add_trust(office, host.id, SYSTEM)
        if not ops.is_trusted(host.id, office.id):  # and the host trusts them: it shares contacts with them
            ops.add_trust(host, office.id, SYSTEM)
    # A past multi-point briefing: the national-style online conference, two weeks ago at 8:30.
    tz = ZoneInfo(host.timezone)
    day = (clock.now() - timedelta(days=14)).astimezone(tz).date()
    audience = list(db.session.scalars(select(Journalist.id).where(Journalist.office_id == host.id,
                                                                   Journalist.status == "active")
                                       .order_by(Journalist.id).limit(25)))
    briefing = schedule.create_briefing(host, {
        "title": "Hội nghị trực tuyến về công tác truyền thông chính sách",
        "dtstart": f"{day.isoformat()}T08:30", "duration_minutes": 120, "timezone": host.timezone,
        "venue": "Trung tâm Hội nghị tỉnh (điểm cầu chính)", "online_url": "https://hop.quangninh.gov.vn/truyen-thong",
        "agenda": "Quán triệt công tác truyền thông chính sách; kết nối các điểm cầu tỉnh, thành phố.",
        "audience": {"journalist_ids": audience}})
    _attend_and_cover(briefing, host.id, rng, 0.7)
    for spec, office in points:
        point = ops.invite_point(briefing, office.id, SYSTEM, "Kính mời tham dự tại điểm cầu của đơn vị.")
        lists = contacts_lists(office.id)
        local = ops.accept_point(point, SYSTEM, {"list_ids": lists}, spec["venue"])
        _attend_and_cover(local, office.id, rng, 0.6)
    # Shared contacts: Quảng Ninh's central resident reporters to the network; Hải Phòng adds one.
    central = list(db.session.scalars(select(Journalist).join(Outlet, Outlet.id == Journalist.outlet_id).where(
        Journalist.office_id == host.id, Journalist.status == "active", Outlet.level == "central")
        .order_by(Journalist.id).limit(2)))
    lines = ["  Mạng lưới văn phòng: " + ", ".join(office.name for _spec, office in points)
             + " (điểm cầu của một hội nghị trực tuyến)"]
    for person in [*central, *_central_of(points[1][1].id)]:
        contacts.record_consent(person, {"basis": "consent", "purpose": "Mời họp báo, chia sẻ trong mạng lưới",
                                         "network_sharing": True}, source="staff", detail="demo")
    if central:
        offers = ops.offer_contacts(host, SYSTEM, journalist_ids=[j.id for j in central],
                                    note="Phóng viên thường trú phụ trách nhiều tỉnh")
        ops.adopt_offer(points[0][1], offers[0], SYSTEM)
    bn_central = db.session.scalar(select(Journalist).join(Outlet, Outlet.id == Journalist.outlet_id).where(
        Journalist.office_id == points[1][1].id, Outlet.level == "central").order_by(Journalist.id).limit(1))
    if bn_central is not None:
        (offer,) = ops.offer_contacts(points[1][1], SYSTEM, journalist_ids=[bn_central.id])
        ops.adopt_offer(host, offer, SYSTEM)
    for spec, _office_row in points:
        lines.append(f"    admin {spec['admin'][0]}" + (f"  mật khẩu: {password}" if password else ""))
    db.session.flush()
    return "\n".join(lines)


def contacts_lists(office_id: int) -> list[int]:
    from coordinator.contacts.models import DistributionList

    return list(db.session.scalars(select(DistributionList.id).where(DistributionList.office_id == office_id)))
