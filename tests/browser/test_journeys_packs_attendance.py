"""Journeys of packs, attendance, questions and reports, in Vietnamese, in a real browser against a real
server and real workers. Each journey photographs every page it passes through."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.support import domain
from tests.support.processes import run_burst_worker

pytestmark = pytest.mark.browser


def _invitation(journalist, briefing):
    from sqlalchemy import select

    from coordinator.extensions import db
    from coordinator.invitations.models import Invitation

    db.session.expire_all()
    return db.session.scalar(select(Invitation).where(Invitation.journalist_id == journalist.id,
                                                      Invitation.briefing_id == briefing.id))


def test_journalist_sends_a_question_that_staff_see_in_the_running_order(visitor, live_server, app_env, admin,
                                                                         office, new_context):
    """Journey 2 (the question): from the journalist's portal to the spokesperson's running order."""
    from coordinator.invitations.tokens import portal_token

    hanh, other = domain.journalists(office, 2)
    briefing = domain.adhoc(office, [hanh, other], title="Họp báo về dự án đường ven biển",
                            start=datetime.now(UTC) + timedelta(days=1))
    run_burst_worker(app_env)

    page = new_context(viewport=PHONE).new_page()
    journalist = type(visitor)(page, live_server, visitor.shots)
    journalist.goto(f"/portal/{portal_token(hanh)}", "trang-phong-vien")
    page.get_by_label("Buổi họp báo", exact=True).select_option(str(briefing.id))
    question = "Tiến độ giải phóng mặt bằng dự án đường ven biển đến nay ra sao, khi nào bàn giao toàn bộ?"
    page.get_by_label("Câu hỏi", exact=True).fill(question)
    page.get_by_role("button", name="Gửi câu hỏi").click()
    expect(page.get_by_text("Đã gửi câu hỏi cho buổi họp báo “Họp báo về dự án đường ven biển”.")).to_be_visible()
    journalist.shot("da-gui-cau-hoi")

    staff = visitor.page
    visitor.login(admin.email)
    staff.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Điểm danh & câu hỏi").click()
    visitor.shot("diem-danh")
    row = staff.get_by_role("row").filter(has_text="Họp báo về dự án đường ven biển")
    expect(row.get_by_role("cell", name="1", exact=True).first).to_be_visible()
    row.get_by_role("link", name="Câu hỏi", exact=True).click()
    expect(staff.get_by_role("heading", name="Thứ tự trả lời")).to_be_visible()
    item = staff.locator("ol.questions > li").first
    expect(item).to_contain_text(question)
    expect(item).to_contain_text(hanh.full_name)
    expect(item).to_contain_text("Chờ trả lời")
    visitor.shot("thu-tu-tra-loi")
    staff.get_by_role("link", name="In thứ tự trả lời cho người phát ngôn").click()
    expect(staff.get_by_role("heading", name="Câu hỏi của báo chí – thứ tự trả lời")).to_be_visible()
    expect(staff.locator(".running-order__item").first).to_contain_text(question)
    visitor.shot("ban-in")


def test_spokesperson_approves_an_embargoed_pack_and_the_journalist_downloads_it(
        visitor, live_server, app_env, admin, office, make_user, new_context, tmp_path):
    """Journey 3: a coordinator prepares a pack with an embargo, the spokesperson approves it, it is
    released when the embargo lifts (the release job, run by a burst worker), and the journalist
    downloads the file from the link in the mail."""
    from sqlalchemy import update

    from coordinator.core.events import OutboxEvent
    from coordinator.extensions import db
    from coordinator.packs.demo import demo_pdf
    from coordinator.packs.models import Pack

    coordinator = make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn", full_name="Nguyễn Thị Hạnh")
    make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn", full_name="Lê Minh Đức")
    binh, other = domain.journalists(office, 2, prefix="pv-tl")
    briefing = domain.adhoc(office, [binh, other], title="Họp báo về đề án du lịch Hạ Long 2030",
                            start=datetime.now(UTC) + timedelta(days=2))
    run_burst_worker(app_env)
    pdf = demo_pdf("De an du lich 2030")
    upload = tmp_path / "Đề án du lịch 2030.pdf"
    upload.write_bytes(pdf)
    embargo = (datetime.now(domain.VN) + timedelta(hours=1)).replace(second=0, microsecond=0, tzinfo=None)

    page = visitor.page
    visitor.login(coordinator.email)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tài liệu báo chí").click()
    visitor.shot("tai-lieu")
    page.get_by_role("link", name="Tạo tài liệu").click()
    visitor.shot("tao-tai-lieu")
    page.get_by_label("Tiêu đề").fill("Tài liệu họp báo: Đề án phát triển du lịch Hạ Long 2030")
    page.get_by_label("Buổi họp báo", exact=True).select_option(str(briefing.id))
    page.get_by_label("Tóm tắt").fill("Mục tiêu đón 20 triệu lượt khách vào năm 2030.")
    page.get_by_label(re.compile("^Nội dung")).fill("<p>Đề án gồm <strong>5 nhóm giải pháp</strong>.</p>")
    page.get_by_label("Cấm đăng tải trước (embargo)").fill(embargo.strftime("%d/%m/%Y %H:%M"))
    page.get_by_label(re.compile("^Tệp")).set_input_files(upload)
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.get_by_text("Đã tạo tài liệu (bản nháp).")).to_be_visible()
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.get_by_text("Đã gửi duyệt.")).to_be_visible()
    visitor.shot("da-gui-duyet")
    pack_url = page.url
    page.get_by_role("button", name="Đăng xuất").click()

    visitor.login("phatngon@quangninh.gov.vn")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tài liệu báo chí").click()
    page.get_by_role("link", name="Chờ duyệt").click()
    visitor.shot("cho-duyet")
    page.get_by_role("link", name="Tài liệu họp báo: Đề án phát triển du lịch Hạ Long 2030").click()
    expect(page.locator(".pack-embargo")).to_contain_text(re.compile(
        f"^CẤM ĐĂNG TẢI TRƯỚC .*{embargo:%d/%m/%Y, %H:%M}"))
    visitor.shot("truoc-khi-duyet")
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.get_by_text(re.compile("^Đã duyệt. Tài liệu sẽ được phát hành lúc"))).to_be_visible()
    expect(page.locator(".page-head .badge").first).to_have_text("Đã duyệt")
    visitor.shot("da-duyet")
    assert page.url == pack_url
    pack_id = int(pack_url.rstrip("/").rsplit("/", 1)[1])

    run_burst_worker(app_env)  # before the embargo lifts: nothing goes out
    assert live_server.mail_to(binh.email) == [] or all(
        not m["Subject"].startswith("Tài liệu báo chí") for m in live_server.mail_to(binh.email))

    # The embargo lifts: move the clock of the pack and its release event to a minute ago.
    past = datetime.now(UTC) - timedelta(minutes=1)
    db.session.execute(update(Pack).where(Pack.id == pack_id).values(embargo_until=past, release_due_at=past))
    db.session.execute(update(OutboxEvent).where(OutboxEvent.kind == "pack.release_due",
                                                 OutboxEvent.processed_at.is_(None)).values(due_at=past))
    db.session.commit()
    run_burst_worker(app_env)
    page.reload()
    expect(page.locator(".page-head .badge").first).to_have_text("Đã phát hành")
    expect(page.locator("[data-count=sent]").first).to_have_text("2")
    visitor.shot("da-phat-hanh")

    (message,) = [m for m in live_server.mail_to(binh.email) if "Tài liệu báo chí" in m["Subject"]]
    assert message["Subject"] == "Tài liệu báo chí: Tài liệu họp báo: Đề án phát triển du lịch Hạ Long 2030"
    text = message.get_body(("plain",)).get_content()
    link = re.findall(r"https?://\S+/p/[\w.-]+(?=\s|$)", text)[0]

    reader = new_context(viewport=PHONE).new_page()
    journalist = type(visitor)(reader, live_server, visitor.shots)
    journalist.goto(link, "tai-lieu-cua-phong-vien")
    expect(reader.get_by_role("heading", name="Tài liệu họp báo: Đề án phát triển du lịch Hạ Long 2030")) \
        .to_be_visible()
    expect(reader.get_by_text("5 nhóm giải pháp")).to_be_visible()
    # A file is a button (a POST): a link scanner's GET logs no download on the journalist's behalf.
    with reader.expect_download() as download_info:
        reader.get_by_role("button", name="Đề án du lịch 2030.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "Đề án du lịch 2030.pdf"
    assert Path(download.path()).read_bytes() == pdf
    form = reader.locator("form", has=reader.get_by_role("button", name="Đề án du lịch 2030.pdf"))
    response = reader.request.post(live_server(form.get_attribute("action")), form={
        "csrf_token": form.locator("input[name=csrf_token]").get_attribute("value")})
    assert response.ok and response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Đề án du lịch 2030.pdf"
    assert response.body() == pdf

    page.reload()
    expect(page.get_by_role("cell", name=re.compile(re.escape(binh.full_name))).first).to_be_visible()
    visitor.shot("nhat-ky-tai")


def test_door_staff_check_in_by_code_and_add_a_walk_in_on_a_phone(visitor, live_server, app_env, office,
                                                                   make_user):
    """Journey 4: at the door, on a 390 × 844 screen: check journalists in by their 6-character code,
    see a wrong code refused next to the field, and add a journalist who came without an invitation."""
    staff = make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn", full_name="Nguyễn Thị Hạnh")
    people = domain.journalists(office, 3)
    briefing = domain.adhoc(office, people, title="Họp báo thông tin kinh tế – xã hội tháng 11",
                            start=datetime.now(UTC) + timedelta(minutes=20))
    run_burst_worker(app_env)
    codes = [_invitation(p, briefing).checkin_code for p in people[:2]]
    assert all(len(code) == 6 for code in codes)

    page = visitor.page
    page.set_viewport_size(PHONE)
    visitor.login(staff.email)
    page.get_by_text("Danh mục", exact=True).click()
    page.get_by_role("link", name="Điểm danh & câu hỏi").click()
    visitor.shot("diem-danh")
    page.get_by_role("row").filter(has_text="Họp báo thông tin kinh tế").get_by_role("link", name="Quét mã").click()
    expect(page.get_by_role("button", name="Bật máy ảnh để quét mã QR")).to_be_visible()
    visitor.shot("quet-ma")

    code = page.get_by_label("Hoặc nhập mã 6 ký tự trên giấy mời")
    status = page.get_by_role("status")
    for person, value in zip(people[:2], codes, strict=True):
        code.fill(value.lower())
        page.get_by_role("button", name="Điểm danh", exact=True).click()
        expect(status).to_have_text(f"Đã điểm danh: {person.full_name} (Báo Quảng Ninh).")
        expect(page.locator("[data-recent] li").first).to_contain_text(person.full_name)
    expect(page.locator("[data-present]")).to_have_text("2")
    expect(page.locator("[data-invited]")).to_have_text("3")
    visitor.shot("da-diem-danh-2")

    code.fill(codes[0])
    page.get_by_role("button", name="Điểm danh", exact=True).click()
    expect(status).to_contain_text("đã điểm danh trước đó")
    code.fill("ZZZZZZ")
    page.get_by_role("button", name="Điểm danh", exact=True).click()
    expect(page.locator("#code-error")).to_have_text("Mã điểm danh không hợp lệ hoặc không thuộc cơ quan này.")
    expect(code).to_have_attribute("aria-invalid", "true")
    visitor.shot("ma-sai")

    page.get_by_role("link", name="Danh sách tham dự").click()
    expect(page.locator(".roster__row--present")).to_have_count(2)
    # Before the start nobody is "absent": those who have not come are simply not here yet.
    expect(page.locator(".roster__missing")).to_have_count(0)
    visitor.shot("danh-sach")
    # Find the third journalist as you type, without accents, and check them in without the page reloading.
    page.evaluate("window.__sameRoster = true")
    page.get_by_role("searchbox", name="Tìm tên hoặc cơ quan").fill("nguyen thi hanh pv2")
    rows = page.locator(".roster__row:visible")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(people[2].full_name)
    expect(page.locator("[data-roster-shown]")).to_have_text("Hiện 1 / 3")
    checkin = rows.first.get_by_role("button", name=f"Điểm danh có mặt trực tiếp: {people[2].full_name}")
    box = checkin.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a thumb can hit it
    visitor.shot("tim-nguoi")
    checkin.click()
    expect(page.locator(f"#j{people[2].id}")).to_have_class(re.compile("roster__row--present"))
    expect(page.locator(f"#j{people[2].id}")).to_contain_text("Đã có mặt lúc")
    expect(page.locator("#roster-counts [data-count=present]")).to_have_text("3")
    assert page.evaluate("window.__sameRoster") is True  # swapped in place, no reload
    visitor.shot("da-diem-danh-tai-cho")
    page.get_by_role("searchbox", name="Tìm tên hoặc cơ quan").fill("")
    expect(page.locator(".roster__row:visible")).to_have_count(3)
    page.get_by_text("Thêm người đến không có giấy mời").click()
    page.get_by_label("Họ và tên").fill("Đỗ Thị Mai")
    page.get_by_label("Email").fill("mai.dt@vtv.vn")
    page.get_by_label("Cơ quan báo chí", exact=True).select_option(label="Báo Quảng Ninh")
    page.get_by_label("Điện thoại").fill("0913 222 333")
    page.get_by_role("button", name="Thêm và điểm danh").click()
    expect(page.get_by_text("Đã thêm Đỗ Thị Mai vào danh bạ và điểm danh.")).to_be_visible()
    mai = page.locator(".roster__row", has_text="Đỗ Thị Mai")
    expect(mai).to_contain_text("Không có giấy mời")
    expect(mai).to_have_class(re.compile("roster__row--present"))
    expect(page.locator(".roster__row--present")).to_have_count(4)
    visitor.shot("da-them-nguoi-den")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def _stat(page, label: str) -> str:
    return page.locator(".stat", has=page.locator(".stat__label", has_text=label)).locator(".stat__value").inner_text()


def _xlsx_rows(body: bytes) -> tuple[list[str], dict[str, list]]:
    book = load_workbook(io.BytesIO(body))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return list(book.sheetnames), {row[0]: list(row[1:]) for row in rows[1:]}


def test_spokesperson_opens_the_reports_and_exports_xlsx(visitor, live_server, app_env, office, make_user):
    """Journey 5: the attendance and coverage reports, each exported to XLSX whose numbers match the page."""
    from coordinator.attendance.demo import load_attendance_demo
    from coordinator.extensions import db

    make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn")
    spokesperson = make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn", full_name="Lê Minh Đức")
    domain.outlet(office, "Đài Phát thanh và Truyền hình Quảng Ninh", kind="tv", level="provincial")
    domain.outlet(office, "Báo Nhân Dân", kind="newspaper", level="central")
    people = domain.journalists(office, 6)
    for n, days in enumerate((40, 26, 12, 5)):
        domain.adhoc(office, people, title=f"Họp báo định kỳ tháng – lần {n + 1}",
                     start=datetime.now(UTC) - timedelta(days=days))
    load_attendance_demo(office.id)
    db.session.commit()

    page = visitor.page
    visitor.login(spokesperson.email)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Báo cáo").click()
    expect(page.get_by_role("heading", name="Hiệu quả thông tin báo chí")).to_be_visible()
    visitor.shot("bao-cao")

    page.get_by_role("link", name="Tham dự", exact=True).click()
    expect(page.get_by_role("heading", name="Tham dự họp báo")).to_be_visible()
    visitor.shot("bao-cao-tham-du")
    attended_total = int(_stat(page, "Có mặt"))
    assert attended_total > 0
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx") and "attendance" in download.suggested_filename
    sheets, rows = _xlsx_rows(Path(download.path()).read_bytes())
    assert len(sheets) == 4
    table = page.locator("table.table--numbers").first
    page_rows = table.locator("tbody tr")
    assert page_rows.count() == len(rows)
    for tr in page_rows.all():
        cells = [c.inner_text().strip() for c in tr.locator("td").all()]
        invited, accepted, attended = rows[cells[0]][:3]
        assert [str(invited), str(accepted), str(attended)] == cells[1:4], (cells, rows[cells[0]])
    assert sum(r[2] for r in rows.values()) == attended_total
    for key, name in (("journalist", "Nhà báo"), ("level", "Cấp cơ quan"), ("kind", "Loại hình"),
                      ("month", "Tháng"), ("briefing", "Buổi họp báo")):
        page.locator("nav[aria-label='Nhóm theo']").get_by_role("link", name=name, exact=True).click()
        expect(page.locator("nav[aria-label='Nhóm theo'] a[aria-current=page]")).to_have_text(name)
        visitor.shot(f"tham-du-theo-{key}")

    page.get_by_role("link", name="Đưa tin", exact=True).click()
    expect(page.get_by_role("heading", name="Đưa tin sau họp báo")).to_be_visible()
    visitor.shot("bao-cao-dua-tin")
    total = int(_stat(page, "Tin bài đăng trong kỳ"))
    assert total > 0
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    sheets, rows = _xlsx_rows(Path(info.value.path()).read_bytes())
    assert len(sheets) == 5
    assert sum(r[0] for r in rows.values()) == total
    for tr in page.locator("table.table--numbers").first.locator("tbody tr").all():
        cells = [c.inner_text().strip() for c in tr.locator("td").all()]
        assert [str(v) for v in rows[cells[0]][:5]] == cells[1:6]
