"""Issue 8 in a real browser: script typed into text fields is shown as text, never run, on the staff
pages and on the public ones (newsroom, portal, invitation page). Pack bodies are sanitised (nh3), so
there the script is removed rather than shown.

The page's CSP would block an injected inline script anyway, so the checks do not rely on
``window.__xss`` alone: they also look for the injected elements in the DOM and for the literal text."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.support import domain
from tests.support.processes import run_burst_worker

pytestmark = pytest.mark.browser

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def assert_inert(page, *, literal: bool = True) -> None:
    """Nothing injected ran or became an element; the typed text is visible as text where expected."""
    assert page.evaluate("() => typeof window.__xss") == "undefined", page.url
    assert page.locator("img[src='x']").count() == 0, page.url
    assert page.evaluate("() => [...document.scripts].some(s => s.textContent.includes('__xss'))") is False
    if literal:
        page.wait_for_load_state()
        assert any(match.is_visible() for match in page.get_by_text(XSS).all()), f"{page.url}: the text is not shown"


def test_script_in_text_fields_is_shown_as_text(visitor, live_server, app_env, admin, office, new_context):
    from sqlalchemy import select

    from coordinator.contacts.models import Journalist
    from coordinator.extensions import db
    from coordinator.invitations.models import Invitation
    from coordinator.invitations.tokens import invitation_token, portal_token

    page = visitor.page
    visitor.login(admin.email)

    # An outlet and a journalist named with script.
    visitor.goto("/contacts/outlets/new", "co-quan-moi")
    page.get_by_label("Tên cơ quan báo chí").fill(XSS)
    page.get_by_label("Trang web").fill("https://xss.example.vn")
    page.locator("main form button.btn--primary").click()
    assert_inert(page)
    visitor.shot("co-quan-da-luu")
    visitor.goto("/contacts/journalists/new", "nha-bao-moi")
    page.get_by_label("Họ và tên").fill(XSS)
    page.get_by_label("Email").fill("xss@xss.example.vn")
    page.get_by_label("Cơ quan báo chí").select_option(label=XSS)
    page.locator("main form button.btn--primary").click()
    assert_inert(page)
    visitor.shot("nha-bao-da-luu")
    visitor.goto("/contacts/", "danh-ba")
    assert_inert(page)

    # A series title, and a briefing whose agenda holds script, inviting the outlet.
    tuesday = datetime.now(domain.VN).date() + timedelta(days=(1 - datetime.now(domain.VN).weekday()) % 7 or 7)
    visitor.goto("/schedule/series/new", "chuoi-moi")
    page.get_by_label("Tên buổi họp báo").fill(XSS)
    page.get_by_label("Ngày bắt đầu").fill(tuesday.isoformat())
    page.get_by_label("Giờ bắt đầu").fill("15:00")
    page.get_by_label("Lặp lại", exact=True).select_option("WEEKLY")
    page.get_by_label("Thứ Ba", exact=True).check()
    page.get_by_role("button", name="Lưu chuỗi họp báo").click()
    assert_inert(page)
    visitor.shot("chuoi-da-luu")

    tomorrow = datetime.now(domain.VN).date() + timedelta(days=1)
    visitor.goto("/schedule/briefings/new", "buoi-moi")
    page.get_by_label("Tên buổi họp báo").fill("Họp báo kiểm thử an toàn")
    page.get_by_label("Ngày", exact=True).fill(tomorrow.isoformat())
    page.get_by_label("Giờ bắt đầu").fill("10:00")
    page.get_by_label("Nội dung chính").fill(XSS)
    page.get_by_role("group", name=re.compile("^Cơ quan báo chí")).get_by_label(XSS).check()
    page.get_by_role("button", name="Tạo buổi họp báo").click()
    # Who it reaches, named before the first mail (the outlet's name among them, inert).
    expect(page.get_by_role("heading", name="Kiểm tra trước khi gửi")).to_be_visible()
    assert_inert(page)
    visitor.shot("kiem-tra-truoc-khi-gui")
    page.get_by_role("button", name=re.compile("^Xác nhận và gửi thư mời")).click()
    expect(page.get_by_role("heading", name=re.compile("Họp báo kiểm thử an toàn"))).to_be_visible()
    assert_inert(page)
    visitor.shot("buoi-da-tao")
    briefing_id = int(re.search(r"/briefings/(\d+)", page.url).group(1))

    # A pack (title and body) for that briefing, approved and released.
    visitor.goto(f"/packs/new?briefing_id={briefing_id}", "tai-lieu-moi")
    page.get_by_label("Tiêu đề").fill(XSS)
    page.get_by_label(re.compile("^Nội dung")).fill(XSS + "<p>Nội dung an toàn</p>")
    page.get_by_role("button", name="Tạo bản nháp").click()
    page.get_by_role("button", name="Gửi duyệt").click()
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.get_by_text("Nội dung an toàn")).to_be_visible()
    assert page.locator(".pack-body").inner_html().find("__xss") == -1
    assert_inert(page)
    visitor.shot("tai-lieu-da-duyet")
    visitor.goto("/packs", "danh-sach-tai-lieu")
    assert_inert(page)

    run_burst_worker(app_env)  # invitations and the pack go out
    db.session.expire_all()
    journalist = db.session.scalar(select(Journalist).where(Journalist.email == "xss@xss.example.vn"))
    invitation = db.session.scalar(select(Invitation).where(Invitation.journalist_id == journalist.id,
                                                            Invitation.briefing_id == briefing_id))
    assert invitation is not None

    # Coverage with a script title.
    visitor.goto(f"/attendance/coverage?briefing_id={briefing_id}", "dua-tin")
    form = page.locator("main form[action*='/attendance/coverage']").filter(has=page.get_by_label("Tiêu đề"))
    form.get_by_label("Đường dẫn bài viết / phát sóng").fill("https://xss.example.vn/bai-viet-1.html")
    form.get_by_label("Cơ quan báo chí").select_option(label=XSS)
    form.get_by_label("Tiêu đề").fill(XSS)
    form.get_by_role("button", name="Thêm").click()
    assert_inert(page)
    visitor.shot("dua-tin-da-them")

    # The journalist: the portal (their name, the pack), a question, the invitation page.
    public = new_context().new_page()
    journalist_visitor = type(visitor)(public, live_server, visitor.shots)
    journalist_visitor.goto(f"/portal/{portal_token(journalist)}", "trang-phong-vien")
    assert_inert(public)
    public.get_by_label("Buổi họp báo").select_option(str(briefing_id))
    public.get_by_label("Câu hỏi", exact=True).fill(XSS)
    public.get_by_role("button", name="Gửi câu hỏi").click()
    expect(public.get_by_text("Đã gửi câu hỏi")).to_be_visible()
    assert_inert(public)
    journalist_visitor.goto(f"/i/{invitation_token(invitation)}", "thu-moi")
    assert_inert(public)
    journalist_visitor.goto(f"/i/{invitation_token(invitation)}/questions?b={briefing_id}", "cau-hoi-cua-toi")
    assert_inert(public)

    # The public newsroom: the pack's title shown as text, its body without the script.
    journalist_visitor.goto(f"/newsroom/{office.slug}", "phong-tin")
    assert_inert(public)
    public.get_by_role("link", name=XSS).click()
    expect(public.get_by_text("Nội dung an toàn")).to_be_visible()
    assert_inert(public)
    journalist_visitor.shot("phong-tin-tai-lieu")

    # Staff pages that show what the journalist sent.
    visitor.goto(f"/attendance/briefings/{briefing_id}/questions", "cau-hoi")
    assert_inert(page)
    visitor.goto(f"/attendance/briefings/{briefing_id}/questions/print", "ban-in")
    assert_inert(page)
    visitor.goto(f"/attendance/briefings/{briefing_id}/roster", "danh-sach")
    assert_inert(page)
    visitor.goto(f"/schedule/briefings/{briefing_id}", "buoi-hop")
    assert_inert(page)
    visitor.goto("/reports/coverage?by=outlet", "bao-cao-dua-tin")
    assert_inert(page, literal=False)
    visitor.goto(f"/packs/new?briefing_id={briefing_id}", "tai-lieu-moi-lan-2")
    assert_inert(page, literal=False)
