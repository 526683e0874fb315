"""``flask demo-data``: a believable province. Each domain adds its part as it lands."""
from __future__ import annotations

from coordinator.extensions import db
from coordinator.offices.operations import create_office, get_office_by_slug
from coordinator.users.operations import create_user, get_user_by_email

DEMO_SLUG = "quang-ninh"
DEMO_STAFF = (
    ("admin@quangninh.gov.vn", "admin", "Trần Quốc Việt"),
    ("dieuphoi@quangninh.gov.vn", "coordinator", "Nguyễn Thị Hạnh"),
    ("phatngon@quangninh.gov.vn", "spokesperson", "Lê Minh Đức"),
    ("xem@quangninh.gov.vn", "viewer", "Phạm Thu Trang"),
)


def load_demo(password: str) -> str:
    office = get_office_by_slug(DEMO_SLUG)
    if office is not None:
        return f"Dữ liệu mẫu đã có (cơ quan {DEMO_SLUG}); không thay đổi gì."
    office = create_office(DEMO_SLUG, "Văn phòng UBND tỉnh Quảng Ninh", timezone="Asia/Ho_Chi_Minh",
                           sender_email="baochi@quangninh.gov.vn")
    office.sender_name = "Bộ phận Báo chí – UBND tỉnh Quảng Ninh"
    lines = [f"Cơ quan: {office.name} ({office.slug})"]
    for email, role, name in DEMO_STAFF:
        if get_user_by_email(email) is None:
            create_user(office, email, role, password=password, full_name=name, send_welcome=False)
        lines.append(f"  {role:<13} {email}  mật khẩu: {password}")
    from coordinator.contacts.demo import load_contacts_demo

    lines.append(load_contacts_demo(office.id))
    from coordinator.schedule.demo import load_schedule_demo

    lines.append(load_schedule_demo(office.id))
    from coordinator.packs.demo import load_packs_demo

    lines.append(load_packs_demo(office.id))
    from coordinator.attendance.demo import load_attendance_demo

    lines.append(load_attendance_demo(office.id))
    from coordinator.monitoring.demo import load_monitoring_demo

    lines.append(load_monitoring_demo(office.id))
    from coordinator.policies.demo import load_policies_demo

    lines.append(load_policies_demo(office.id))
    from coordinator.network.demo import load_network_demo

    lines.append(load_network_demo(office.id, password))
    from coordinator.attendance.demo import report_summary

    db.session.flush()
    lines.append(report_summary(office.id))
    return "\n".join(lines)
