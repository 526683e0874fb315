"""Issue 25.5 pages in a real browser, desktop and 390 px, Vietnamese and English: the pack page naming who may
still approve (and warning when nobody can finish), the settings page warning of too few approvers, the
dashboard's "packs awaiting approval". Nothing scrolls sideways."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import horizontal_overflow

pytestmark = pytest.mark.browser


def _seed(office, admin, make_user):
    from coordinator.extensions import db
    from coordinator.packs import operations as ops
    from coordinator.users.models import User
    from tests.support import packs as files

    first = make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn", full_name="Lê Minh Phát")
    second = make_user(office, "spokesperson", email="phatngon2@quangninh.gov.vn", full_name="Phạm Thu Hà")
    coordinator = make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn", full_name="Đỗ Văn Điều")
    ops.update_settings(office.id, two_approvers=True)
    own = files.make_pack(office, admin, title="Thông cáo kết quả kinh tế - xã hội quý IV năm nay")
    ops.submit(own, admin)
    ops.approve(own, db.session.get(User, first.id))
    theirs = files.make_pack(office, coordinator, title="Tài liệu họp báo về dự án cảng biển Hòn Gai")
    ops.submit(theirs, coordinator)
    db.session.get(User, second.id).role = "viewer"  # a later role change: too few approvers now
    db.session.commit()
    return {"own": own, "theirs": theirs}


def _check(visitor, path: str, name: str, text: str) -> None:
    visitor.goto(path, name)
    expect(visitor.page.get_by_text(text).first).to_be_visible()
    assert horizontal_overflow(visitor.page) is None, (path, horizontal_overflow(visitor.page))


def test_approver_pages_at_desktop_and_phone_in_both_languages(visitor, live_server, admin, office, make_user,
                                                               new_context):
    made = _seed(office, admin, make_user)
    visitor.login(admin.email)
    cookies = visitor.page.context.cookies()
    pages = [
        (f"/packs/{made['own'].id}", "tai-lieu-het-nguoi-duyet", "Không đủ người duyệt để hoàn tất",
         "Not enough approvers left to finish"),
        (f"/packs/{made['theirs'].id}", "tai-lieu-cho-duyet", "Người còn có thể duyệt:", "Who may still approve:"),
        ("/packs/settings", "cai-dat-thieu-nguoi-duyet", "Hãy thêm người phát ngôn", "Add a spokesperson"),
        ("/", "tong-quan-cho-duyet", "Gói tài liệu chờ duyệt", "Packs awaiting approval"),
    ]
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "390")):
        context = new_context(viewport=viewport)
        context.add_cookies(cookies)
        viewer = type(visitor)(context.new_page(), live_server, visitor.shots)
        for path, name, vi, en in pages:
            _check(viewer, path, f"{name}-{label}-vi", vi)
            joiner = "&" if "?" in path else "?"
            _check(viewer, f"{path}{joiner}lang=en", f"{name}-{label}-en", en)
        page = viewer.page
        page.goto(live_server(f"/packs/{made['own'].id}"))
        # The submitter sees why there is no "Duyệt" button, and none is there.
        expect(page.locator("#why-not-approve")).to_be_visible()
        assert page.locator(f"form[action='/packs/{made['own'].id}/approve']").count() == 0
        page.goto(live_server(f"/packs/{made['theirs'].id}"))
        assert page.locator(f"form[action='/packs/{made['theirs'].id}/approve']").count() == 1
