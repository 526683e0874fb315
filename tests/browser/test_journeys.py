"""The product as people use it, in Vietnamese, in a real browser against a real server (and real
workers where mail goes out). Each journey photographs every page it passes through."""
from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.support import domain
from tests.support.processes import run_burst_worker, start_worker, stop_gracefully, wait_for

pytestmark = pytest.mark.browser

VN = ZoneInfo("Asia/Ho_Chi_Minh")
JOURNALISTS = [
    ("Nguyễn Thị Hạnh", "Báo Quảng Ninh", "hanh.nt@baoquangninh.vn", "0912 345 678", "Kinh tế; Du lịch"),
    ("Trần Văn Bình", "Đài Phát thanh và Truyền hình Quảng Ninh", "binh.tv@qtv.vn", "0987 654 321", "Môi trường"),
    ("Lê Thu Trang", "Báo Nhân Dân", "trang.lt@nhandan.vn", "", "Kinh tế"),
    ("Phạm Quốc Dũng", "Thông tấn xã Việt Nam", "dung.pq@vnanet.vn", "+84 904 111 222", "Du lịch; Giao thông"),
]


def journalists_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh bạ"
    sheet.append(["Họ và tên", "Cơ quan báo chí", "Email", "Điện thoại", "Lĩnh vực"])
    for row in JOURNALISTS:
        sheet.append(list(row))
    book.save(path)
    return path


def next_tuesday() -> date:
    today = datetime.now(VN).date()
    return today + timedelta(days=(1 - today.weekday()) % 7 or 7)


def test_officer_imports_journalists_and_creates_a_weekly_series(visitor, admin, tmp_path):
    """Journey 1: log in, import an XLSX of journalists, build "every Tuesday at 15:00, skipping
    holidays" with the series form, and find it in the month view."""
    page = visitor.page
    visitor.login(admin.email)

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Danh bạ").click()
    visitor.shot("danh-ba")
    page.get_by_role("link", name="Nhập từ tệp").click()
    visitor.shot("nhap-tu-tep")
    page.get_by_label(re.compile("Tệp danh bạ")).set_input_files(journalists_xlsx(tmp_path / "nha-bao.xlsx"))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_role("heading", name="Kiểm tra trước khi nhập")).to_be_visible()
    for name, *_ in JOURNALISTS:
        expect(page.get_by_role("cell", name=name)).to_be_visible()
    visitor.shot("kiem-tra-tep")
    page.get_by_role("button", name="Xác nhận nhập 4 dòng hợp lệ").click()
    expect(page.get_by_text("Đã nhập xong.")).to_be_visible()
    visitor.shot("ket-qua-nhap")
    page.get_by_role("link", name="Xem danh bạ").click()
    expect(page.get_by_text("4 nhà báo")).to_be_visible()
    page.get_by_role("searchbox").fill("nguyen thi hanh")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_role("link", name="Nguyễn Thị Hạnh")).to_be_visible()
    visitor.shot("tim-khong-dau")

    page.get_by_role("link", name="Lịch họp báo").first.click()
    page.get_by_role("link", name="Chuỗi họp định kỳ").click()
    page.get_by_role("link", name="Tạo chuỗi mới").click()
    visitor.shot("chuoi-moi")
    first = next_tuesday()
    page.get_by_label("Tên buổi họp báo").fill("Họp báo định kỳ chiều thứ Ba")
    page.get_by_label("Ngày bắt đầu").fill(first.strftime("%d/%m/%Y"))  # as people type it
    page.get_by_label("Giờ bắt đầu").fill("15:00")
    page.get_by_label("Lặp lại", exact=True).select_option("WEEKLY")
    page.get_by_label("Thứ Ba", exact=True).check()
    page.get_by_label("Ngày lễ và ngày nghỉ của cơ quan").select_option("skip")
    page.get_by_label("Địa điểm").fill("Hội trường Trung tâm Truyền thông tỉnh, TP Hạ Long")
    beats = page.get_by_role("group", name=re.compile("Lĩnh vực"))
    beats.get_by_label(re.compile("Kinh tế")).check()
    expect(page.locator(".audience-live")).to_contain_text("phóng viên")
    page.get_by_role("button", name="Xem trước 10 buổi").click()
    preview = page.locator("#series-preview li")
    expect(preview).to_have_count(10)
    expect(preview.first).to_contain_text("15:00")
    expect(page.locator("#series-rule-text")).to_contain_text("FREQ=WEEKLY")
    visitor.shot("xem-truoc")
    page.get_by_role("button", name="Lưu chuỗi họp báo").click()
    expect(page.get_by_text("Đã tạo chuỗi họp báo “Họp báo định kỳ chiều thứ Ba”.")).to_be_visible()
    expect(page.locator("dt:text-is('Ngày lễ') + dd")).to_have_text("Bỏ qua")
    visitor.shot("chuoi-da-luu")

    # a month the series covers whole (its first Tuesday may itself be a holiday, skipped)
    month = first + timedelta(days=28)
    visitor.goto(f"/schedule/?view=month&date={month.isoformat()}", "lich-thang")
    chips = page.locator(f".cal-day:not(.cal-day--other) .briefing-chip:has(time[datetime^='{month:%Y-%m}'])",
                         has_text="Họp báo định kỳ chiều thứ Ba")
    expect(chips.first).to_contain_text("15:00")
    assert chips.count() >= 2
    for chip in chips.all():
        weekday = datetime.fromisoformat(chip.locator("time").get_attribute("datetime")).astimezone(VN)
        assert weekday.weekday() == 1 and (weekday.hour, weekday.minute) == (15, 0)
    chips.first.click()
    expect(page.get_by_role("heading", name=re.compile("Họp báo định kỳ chiều thứ Ba"))).to_be_visible()
    visitor.shot("buoi-hop")


def invite_link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    links = re.findall(r"https?://\S+/i/[\w.-]+(?=\s|$)", text)
    assert links, text
    return links[0]


def test_journalist_accepts_from_the_mail_and_subscribes(visitor, live_server, app_env, office, new_context):
    """Journey 2: the invite from the captured mail, accept, then the calendar subscription in the portal.
    (Sending a question comes with the attendance feature.)"""
    hanh, other = domain.journalists(office, 2)
    domain.weekly_series(office, [hanh, other], lead_days=14, title="Họp báo định kỳ chiều thứ Ba")
    run_burst_worker(app_env)
    (message,) = live_server.mail_to(hanh.email)
    assert message["Subject"].startswith("Giấy mời: Họp báo định kỳ chiều thứ Ba")

    page = new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"]).new_page()
    visitor.page = page
    visitor.goto(invite_link(message), "thu-moi")
    expect(page.get_by_role("heading", name="Họp báo định kỳ chiều thứ Ba")).to_be_visible()
    expect(page.get_by_text("Chưa trả lời")).to_be_visible()
    page.get_by_role("button", name="Tham dự", exact=True).click()
    expect(page.get_by_role("button", name="Tham dự", exact=True)).to_have_attribute("aria-pressed", "true")
    visitor.shot("da-nhan-loi")

    page.get_by_role("link", name="Trang phóng viên của bạn").click()
    expect(page.get_by_role("heading", name=f"Xin chào, {hanh.full_name}")).to_be_visible()
    visitor.shot("trang-phong-vien")
    webcal = page.get_by_role("link", name="Đăng ký lịch (Apple, Outlook)").get_attribute("href")
    assert webcal.startswith("webcal://127.0.0.1:")
    feed_url = page.get_by_label("Đường dẫn lịch của bạn").input_value()
    assert feed_url == "http" + webcal.removeprefix("webcal")
    page.get_by_role("button", name="Sao chép").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == feed_url
    feed = page.request.get(feed_url)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    body = feed.text()
    assert "BEGIN:VCALENDAR" in body and "Họp báo định kỳ chiều thứ Ba" in body
    google = page.get_by_role("link", name="Thêm vào Google Calendar").get_attribute("href")
    assert google.startswith("https://calendar.google.com/")


def test_crisis_briefing_reaches_the_outbox_within_a_minute(visitor, live_server, app_env, admin, office, tmp_path):
    """Journey 6: from the quick crisis form to invitations in the outbox, with a real worker running; the
    briefing page shows the mail going out from the moment of saving and follows it to the end by itself,
    the invitations page opened meanwhile reloads itself once everything is sent."""
    from coordinator.contacts import operations as contacts
    from coordinator.extensions import db

    people = domain.journalists(office, 5)
    contacts.create_list(office.id, {"name": "Phóng viên thường trú", "member_ids": [p.id for p in people]})
    db.session.commit()
    worker = None
    try:
        page = visitor.page
        page.set_viewport_size(PHONE)
        visitor.login(admin.email)
        started = time.monotonic()
        page.get_by_text("Danh mục", exact=True).click()
        page.get_by_role("link", name="Lịch họp báo", exact=True).click()
        page.get_by_role("link", name="Họp báo khẩn").click()
        visitor.shot("hop-bao-khan")
        page.get_by_label("Tên buổi họp báo khẩn").fill("Họp báo khẩn về sạt lở đất tại Hạ Long")
        page.get_by_label("Địa điểm").fill("Phòng họp số 1, UBND tỉnh")
        lists = page.get_by_role("group", name=re.compile("^Danh sách gửi"))
        lists.get_by_label(re.compile("Phóng viên thường trú")).check()
        # Who the choice reaches, as soon as the box is ticked.
        expect(page.locator(".audience-live")).to_contain_text("5 phóng viên")
        page.get_by_role("button", name="Tạo và gửi thư mời ngay").click()
        # Asked once, with the number, before the first mail.
        confirm = page.get_by_role("button", name="Xác nhận và gửi thư mời tới 5 phóng viên")
        expect(confirm).to_be_visible()
        visitor.shot("kiem-tra-truoc-khi-gui")
        confirm.click()
        expect(page.get_by_role("heading", name=re.compile("Họp báo khẩn về sạt lở đất"))).to_be_visible()
        progress = page.locator("#progress")
        # No worker yet: the page says the mail is being prepared, not that nothing was sent.
        expect(progress).to_have_attribute("data-state", "preparing")
        expect(progress.get_by_role("status")).to_contain_text("Đang chuẩn bị")
        visitor.shot("da-tao-dang-chuan-bi")
        page.evaluate("window.__notReloaded = true")
        invitations = page.context.new_page()
        invitations.set_viewport_size(PHONE)
        invitations.goto(page.url.rstrip("/") + "/invitations")
        expect(invitations.locator("#progress")).to_have_attribute("data-state", "preparing")
        expect(invitations.get_by_text("Đang lập danh sách khách mời…")).to_be_visible()
        invitations.evaluate("window.__notReloaded = true")

        worker = start_worker(app_env, log_path=tmp_path / "worker.log")
        wait_for(lambda: len(live_server.mail()) >= 5, timeout=max(1, 60 - (time.monotonic() - started)),
                 interval=0.25, message="five invitations in the outbox")
        elapsed = time.monotonic() - started
        assert elapsed < 60
        messages = live_server.mail()
        assert sorted(m["To"].addresses[0].addr_spec for m in messages) == sorted(p.email for p in people)
        assert all(m["Subject"].startswith("KHẨN") for m in messages)

        # The briefing page follows the mailing to its end without a reload.
        expect(page.locator("#progress")).to_have_attribute("data-state", "done", timeout=20_000)
        expect(page.locator("#progress [data-count=sent]").first).to_have_text("5")
        expect(page.locator("#progress").get_by_role("status")).to_contain_text("Đã gửi xong")
        assert page.evaluate("window.__notReloaded === true")
        visitor.shot("da-gui-xong")
        # The invitations page reloaded itself once: every row now says sent.
        expect(invitations.locator("#progress")).to_have_attribute("data-state", "done", timeout=20_000)
        expect(invitations.get_by_role("heading", name="Từng phóng viên")).to_be_visible()
        expect(invitations.locator("td", has_text="Đã gửi")).to_have_count(5, timeout=10_000)
        assert invitations.evaluate("window.__notReloaded === undefined")
        visitor.shots.take(invitations, "tien-do-gui")
    finally:
        if worker is not None:
            stop_gracefully(worker)


def test_staff_pages(visitor, live_server, app_env, admin, office):
    """Admin pages: staff, API tokens, background jobs, and the outbox with the HTML, text and
    calendar parts of an invitation."""
    people = domain.journalists(office, 2)
    domain.adhoc(office, people, title="Họp báo về tình hình mưa lũ", start=datetime.now(UTC) + timedelta(hours=3))
    page = visitor.page
    visitor.login(admin.email)
    nav = page.get_by_role("navigation", name="Điều hướng chính")

    def admin_page(name: str) -> None:
        """The admin pages are reached through the "Quản trị" hub of the main menu."""
        nav.get_by_role("link", name="Quản trị").click()
        page.locator(".hub__item").filter(has=page.get_by_text(name, exact=True)).click()

    admin_page("Cán bộ")
    visitor.shot("can-bo")
    page.get_by_label("Họ và tên").fill("Lê Minh Đức")
    page.get_by_label("Email").fill("phatngon@quangninh.gov.vn")
    page.get_by_label("Vai trò", exact=True).select_option("spokesperson")
    page.get_by_role("button", name="Tạo tài khoản và gửi thư mời").click()
    expect(page.get_by_role("cell", name="phatngon@quangninh.gov.vn", exact=True)).to_be_visible()
    expect(page.get_by_text("Chưa đặt mật khẩu")).to_be_visible()
    visitor.shot("can-bo-moi")

    admin_page("Mã API")
    page.get_by_label("Tên").fill("Cổng thông tin điện tử tỉnh")
    page.get_by_label("Phạm vi").select_option("admin")  # the staff list needs the admin scope
    page.get_by_role("button", name="Tạo mã").click()
    token = page.locator("#new-token").inner_text()
    assert len(token) > 20
    visitor.shot("ma-api")
    api = page.request.get(live_server("/api/v1/users"), headers={"Authorization": f"Bearer {token}"})
    assert api.ok and any(u["email"] == admin.email for u in api.json()["items"])
    page.goto(live_server("/admin/tokens"))
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.get_by_role("cell", name="Cổng thông tin điện tử tỉnh")).to_be_visible()

    admin_page("Công việc nền")
    page.get_by_role("link", name="Tất cả").click()
    # The work is named in words, never by its internal event name.
    expect(page.get_by_role("cell", name=re.compile("Mời dự buổi họp báo mới"))).to_be_visible()
    expect(page.get_by_text("briefing.created")).to_have_count(0)
    visitor.shot("cong-viec-nen")

    run_burst_worker(app_env)
    page.reload()
    expect(page.get_by_text("Đã xong").first).to_be_visible()
    admin_page("Hộp thư đi")
    visitor.shot("hop-thu-di")
    page.get_by_role("link", name=re.compile("Giấy mời: Họp báo về tình hình mưa lũ")).first.click()
    expect(page.get_by_role("heading", name="Bản HTML")).to_be_visible()
    frame = page.frame_locator("iframe.mail-frame")
    expect(frame.get_by_text("Họp báo về tình hình mưa lũ").first).to_be_visible()
    expect(page.get_by_role("heading", name="Bản văn bản thuần")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Lịch \\(iCalendar\\)"))).to_be_visible()
    expect(page.locator("pre.pre").last).to_contain_text("METHOD:REQUEST")
    visitor.shot("thu-moi")
    welcome = page.request.get(live_server("/admin/mail"))
    assert "phatngon@quangninh.gov.vn" in welcome.text()
