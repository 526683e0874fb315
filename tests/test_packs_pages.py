"""Staff pages of packs (list, form with upload, detail with the approval panel, settings), the
briefing page's "Tài liệu" section, the journalist portal's released packs; roles and other offices."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.packs import operations as ops
from coordinator.packs.models import Pack, PackRecipient
from jobs.packs import release_due
from tests.support import domain
from tests.support import packs as files


@pytest.fixture
def people(office, make_user):
    return {"coordinator": make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn"),
            "spokesperson": make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn"),
            "viewer": make_user(office, "viewer", email="xem@quangninh.gov.vn")}


def test_create_through_the_form_and_approve_through_the_page(client, auth, office, people):
    briefing = domain.adhoc(office, domain.journalists(office, 1))
    auth.login(people["coordinator"].email)
    form = client.get(f"/packs/new?briefing_id={briefing.id}")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.get_data(as_text=True)
    response = client.post("/packs/new", data={
        "title": "Tài liệu <script>x</script>", "briefing_id": str(briefing.id), "language": "vi",
        "summary": "Tóm tắt", "body": "<p>Nội dung<script>alert(1)</script></p>",
        "embargo_until": "2030-01-01T09:00",
        "files": [(io.BytesIO(files.pdf()), "Báo cáo.pdf"), (io.BytesIO(files.docx()), "Tờ trình.docx")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    pack = db.session.scalar(select(Pack))
    assert [f.display_name for f in pack.files] == ["Báo cáo.pdf", "Tờ trình.docx"]
    assert pack.embargo_until.isoformat() == "2030-01-01T02:00:00+00:00"  # 09:00 in Hạ Long
    assert "<script" not in pack.body
    detail = client.get(f"/packs/{pack.id}").get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt;" in detail and "<script>x" not in detail
    assert "Gửi duyệt" in detail and "CẤM ĐĂNG TẢI TRƯỚC" in detail
    assert client.post(f"/packs/{pack.id}/submit").status_code == 302
    # The coordinator cannot approve; the spokesperson can, through the page.
    assert client.post(f"/packs/{pack.id}/approve").status_code == 403
    auth.logout()
    auth.login(people["spokesperson"].email)
    page = client.get(f"/packs/{pack.id}").get_data(as_text=True)
    assert "Trả lại" in page and "Duyệt" in page
    empty_reason = client.post(f"/packs/{pack.id}/reject", data={"reason": ""})
    assert empty_reason.status_code == 422
    assert client.post(f"/packs/{pack.id}/approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).status == "approved"
    # Approving again is a conflict, shown on the page.
    again = client.post(f"/packs/{pack.id}/approve")
    assert again.status_code == 409 and "Chỉ duyệt được" in again.get_data(as_text=True)


def test_form_errors_for_bad_files(client, auth, office, people):
    auth.login(people["coordinator"].email)
    response = client.post("/packs/new", data={"title": "x", "language": "vi", "briefing_id": "",
                                                "files": [(io.BytesIO(files.png()), "giả.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "không khớp" in response.get_data(as_text=True)
    ops.update_settings(office.id, max_file_mb=1)
    db.session.commit()
    big = client.post("/packs/new", data={"title": "x", "language": "vi", "briefing_id": "",
                                           "files": [(io.BytesIO(files.pdf() + b"0" * (1024 * 1024 + 10)), "lớn.pdf")]},
                      content_type="multipart/form-data")
    assert big.status_code == 413 and "vượt quá giới hạn" in big.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Pack)) == 0


def test_edit_of_a_released_pack_makes_a_correction(client, auth, office, people):
    pack = files.approved_pack(office, people["coordinator"], people["spokesperson"])
    release_due(pack.id)
    auth.login(people["coordinator"].email)
    page = client.get(f"/packs/{pack.id}/edit")
    assert page.status_code == 200 and "phiên bản mới" in page.get_data(as_text=True)
    response = client.post(f"/packs/{pack.id}/edit", data={"title": "Bản đính chính", "language": "vi",
                                                           "briefing_id": ""}, content_type="multipart/form-data")
    assert response.status_code == 302
    new = db.session.scalar(select(Pack).where(Pack.version == 2))
    assert new.title == "Bản đính chính" and new.status == "draft" and new.root_id == pack.id
    history = client.get(f"/packs/{new.id}").get_data(as_text=True)
    assert "Phiên bản 1" in history and "Phiên bản 2" in history


def test_lists_settings_and_roles(client, auth, office, people, admin, make_user):
    files.make_pack(office, people["coordinator"], title="Bản nháp A")
    auth.login(people["viewer"].email)
    listing = client.get("/packs")
    assert listing.status_code == 200 and "Bản nháp A" in listing.get_data(as_text=True)
    assert "Bản nháp A" in client.get("/packs?status=draft").get_data(as_text=True)
    assert "Bản nháp A" not in client.get("/packs?status=released").get_data(as_text=True)
    assert client.get("/packs/new").status_code == 403
    assert client.get("/packs/settings").status_code == 403
    auth.logout()
    auth.login(admin.email)
    assert client.get("/packs/settings").status_code == 200
    # Two approvers need two people besides whoever submits (the admin may submit): a second spokesperson.
    make_user(office, "spokesperson", email="phatngon2@quangninh.gov.vn")
    saved = client.post("/packs/settings", data={"max_file_mb": "10", "two_approvers": "y", "follow_up_hours": "3"})
    assert saved.status_code == 302
    settings = ops.settings_for(office.id)
    assert (settings.max_file_bytes, settings.two_approvers, settings.follow_up_hours) == (10 * 1024 * 1024, True, 3)
    assert 'href="/packs"' in client.get("/").get_data(as_text=True)  # in the menu


def test_other_offices_pages_answer_404(client, auth, office, other_office, people, make_user):
    pack = files.make_pack(office, people["coordinator"])
    stranger = make_user(other_office, "admin", email="admin@hanoi.gov.vn")
    auth.login(stranger.email)
    file_id = pack.files[0].id
    for path in (f"/packs/{pack.id}", f"/packs/{pack.id}/edit", f"/packs/{pack.id}/files/{file_id}",
                 f"/packs/{pack.id}/progress.json"):
        assert client.get(path).status_code == 404, path
    for action in ("submit", "approve", "reject", "release", "edit"):
        assert client.post(f"/packs/{pack.id}/{action}", data={"reason": "x", "title": "x"}).status_code == 404
    assert client.get(f"/packs/new?briefing_id={domain.adhoc(office, []).id}").status_code == 404
    assert "Thông cáo báo chí" not in client.get("/packs").get_data(as_text=True)


def test_briefing_page_links_its_packs(client, auth, office, people):
    briefing = domain.adhoc(office, domain.journalists(office, 1))
    pack = files.make_pack(office, people["coordinator"], briefing=briefing, title="Tài liệu buổi họp")
    auth.login(people["coordinator"].email)
    page = client.get(f"/schedule/briefings/{briefing.id}").get_data(as_text=True)
    assert "Tài liệu buổi họp" in page and f"/packs/{pack.id}" in page
    assert f"/packs/new?briefing_id={briefing.id}" in page


def test_portal_lists_released_packs_the_journalist_received(client, office, people):
    from coordinator.invitations.tokens import portal_token

    journalist = domain.journalists(office, 1)[0]
    released = files.approved_pack(office, people["coordinator"], people["spokesperson"], title="Đã phát hành X")
    draft = files.make_pack(office, people["coordinator"], title="Bản nháp Y")
    for pack in (released, draft):
        db.session.add(PackRecipient(office_id=office.id, pack_id=pack.id, root_id=pack.id,
                                     journalist_id=journalist.id, purpose="pack"))
    db.session.commit()
    release_due(released.id)
    page = client.get(f"/portal/{portal_token(journalist)}").get_data(as_text=True)
    assert "Tài liệu đã phát hành" in page and "Đã phát hành X" in page and "Bản nháp Y" not in page
    link = page.split("Đã phát hành X")[0].rsplit('href="', 1)[1].split('"')[0]
    assert client.get(link).status_code == 200
