"""A multi-point briefing in a real browser: the host invites an office that does not trust it (error next
to the field) and one that does; the point accepts with its own list; its journalists get invitations
from its own address (real worker); the host sees numbers per point and none of the point's contacts.
Pages are photographed on a desktop and a 390 px phone, in Vietnamese and English."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, Visitor
from tests.support import domain
from tests.support import network as net
from tests.support.processes import run_burst_worker

pytestmark = pytest.mark.browser


def test_host_invites_points_and_the_point_accepts(admin, office, make_office, make_user, live_server, new_context,
                                                   shots):
    from coordinator.contacts import operations as contacts
    from coordinator.extensions import db

    hp = make_office("hai-phong", "Văn phòng UBND TP Hải Phòng", sender_email="baochi@haiphong.gov.vn")
    make_office("thai-binh", "Văn phòng UBND tỉnh Thái Bình")
    hp_admin = make_user(hp, "admin", email="admin@haiphong.gov.vn", full_name="Vũ Thanh Hải")
    net.trust(hp, office)
    host_people = net.people(office, 2, prefix="qn", domain="baoquangninh.vn", outlet="Báo Quảng Ninh")
    hp_people = net.people(hp, 3, prefix="hp", domain="baohaiphong.vn", outlet="Báo Hải Phòng")
    contacts.create_list(hp.id, {"name": "Báo chí Hải Phòng", "member_ids": [j.id for j in hp_people]})
    db.session.commit()
    briefing = domain.adhoc(office, host_people, start=datetime.now(UTC) + timedelta(days=3),
                            title="Hội nghị trực tuyến về truyền thông chính sách",
                            online_url="https://hop.quangninh.gov.vn/phong-1")

    host = Visitor(new_context().new_page(), live_server, shots)
    host.login(admin.email)
    host.goto(f"/schedule/briefings/{briefing.id}", "chi-tiet-buoi-hop")
    host.page.get_by_role("link", name="Quản lý điểm cầu").click()
    host.shot("diem-cau")
    host.page.get_by_label("Văn phòng làm điểm cầu").select_option(label="Văn phòng UBND tỉnh Thái Bình")
    host.page.get_by_label("Lời nhắn").fill("Kính mời tham dự")
    host.page.get_by_role("button", name="Gửi lời mời").click()
    error = host.page.locator("#office_id-error")
    expect(error).to_contain_text("chưa cho phép")
    expect(host.page.get_by_label("Lời nhắn")).to_have_value("Kính mời tham dự")
    host.shot("loi-chua-cho-phep")
    host.page.get_by_label("Văn phòng làm điểm cầu").select_option(label="Văn phòng UBND TP Hải Phòng")
    host.page.get_by_role("button", name="Gửi lời mời").click()
    expect(host.page.get_by_text("Đã mời Văn phòng UBND TP Hải Phòng làm điểm cầu.")).to_be_visible()
    host.shot("da-moi")

    point = Visitor(new_context().new_page(), live_server, shots)
    point.login(hp_admin.email)
    point.page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Mạng lưới").click()
    point.shot("mang-luoi-diem-cau")
    point.page.get_by_role("link", name="Hội nghị trực tuyến về truyền thông chính sách").click()
    point.shot("loi-moi")
    point.page.get_by_role("button", name="Nhận lời làm điểm cầu").click()
    expect(point.page.locator("#list_ids-error")).to_contain_text("ít nhất một danh sách")
    point.page.get_by_label("Báo chí Hải Phòng").check()
    point.page.get_by_label("Địa điểm của điểm cầu").fill("Phòng họp trực tuyến UBND TP")
    point.page.get_by_role("button", name="Nhận lời làm điểm cầu").click()
    expect(point.page.get_by_text("Văn phòng bạn là điểm cầu của buổi họp báo do Văn phòng UBND tỉnh Quảng Ninh "
                                  "chủ trì", exact=False)).to_be_visible()
    point.shot("buoi-hop-tai-diem-cau")

    run_burst_worker(live_server.env)
    for person in hp_people:
        (message,) = [m for m in live_server.mail_to(person.email) if m["X-Coordinator-Purpose"] == "invite"]
        assert message["From"].addresses[0].addr_spec == "baochi@haiphong.gov.vn"

    host.page.reload()
    row = host.page.get_by_role("row", name=re.compile("Văn phòng UBND TP Hải Phòng"))
    expect(row).to_contain_text("Đã nhận lời")
    expect(row.get_by_role("cell").nth(2)).to_have_text("3")
    html = host.page.content()
    assert all(p.email not in html and p.full_name not in html for p in hp_people)
    host.shot("diem-cau-da-nhan-loi")

    phone = Visitor(new_context(viewport=PHONE).new_page(), live_server, shots)
    phone.login(admin.email)
    for path, name in ((f"/network/briefings/{briefing.id}/points", "diem-cau-dien-thoai"),
                       (f"/network/report?briefing_id={briefing.id}", "bao-cao-dien-thoai")):
        phone.goto(path, name)
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways ({width} px)"
    phone.page.get_by_role("button", name="English").click()
    phone.goto(f"/network/briefings/{briefing.id}/points", "points-english")
    expect(phone.page.get_by_role("heading", level=1)).to_contain_text("Connection points")
