"""Staff pages of the contact network: status codes, Vietnamese text, field errors, the import flow."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from coordinator.contacts import operations as ops
from coordinator.contacts.models import DistributionList, Journalist, Outlet
from coordinator.extensions import db
from tests.fixtures.contacts.helpers import HEADER_VI, csv_bytes, journalist, outlet, xlsx_bytes


@pytest.fixture
def logged_in(auth, admin):
    auth.login(admin.email)
    return admin


@pytest.fixture
def network(office):
    qn = outlet(office.id, "Báo Quảng Ninh", website="https://baoquangninh.vn")
    hanh = journalist(office.id, qn, "Nguyễn Thị Hạnh", email="hanh@x.vn", beats=["Kinh tế"])
    bounced = journalist(office.id, qn, "Trần Văn Bị", email="bi@x.vn", beats=["Kinh tế"])
    ops.set_status(bounced, "bounced", "550 hộp thư không tồn tại")
    dl = ops.create_list(office.id, {"name": "Kinh tế", "rule": {"beats": ["Kinh tế"]}})
    db.session.commit()
    return {"outlet": qn, "hanh": hanh, "bounced": bounced, "list": dl}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_pages_need_login(client):
    assert client.get("/contacts/").status_code == 302


def test_journalists_list_search_filters_and_menu(client, logged_in, network):
    r = client.get("/contacts/")
    assert r.status_code == 200
    body = text(r)
    assert "Danh bạ báo chí" in body and "Nguyễn Thị Hạnh" in body and "Xuất Excel" in body
    r = client.get("/contacts/?q=nguyen+thi+hanh")
    assert "Nguyễn Thị Hạnh" in text(r) and "Trần Văn Bị" not in text(r)
    r = client.get("/contacts/?status=bounced")
    assert "Trần Văn Bị" in text(r) and "Nguyễn Thị Hạnh" not in text(r)
    assert "<script>" not in text(r) and 'style="' not in text(r)


def test_journalist_detail_edit_and_errors(client, logged_in, network):
    hanh = network["hanh"]
    r = client.get(f"/contacts/journalists/{hanh.id}")
    assert r.status_code == 200 and "Lịch sử công tác" in text(r) and "Báo Quảng Ninh" in text(r)
    r = client.post("/contacts/journalists/new", data={"full_name": "", "email": "sai", "language": "vi",
                                                      "outlet_id": network["outlet"].id})
    assert r.status_code == 422
    assert "Vui lòng nhập họ tên." in text(r)
    r = client.post("/contacts/journalists/new", data={"full_name": "Mới", "email": "hanh@x.vn",
                                                      "outlet_id": network["outlet"].id, "language": "vi",
                                                      "phone": "123"})
    assert r.status_code == 422
    assert "field__error" in text(r) and "đã thuộc về" in text(r) and "Số điện thoại không hợp lệ" in text(r)
    r = client.post("/contacts/journalists/new", data={"full_name": "Mới Toanh", "email": "moi@x.vn",
                                                      "outlet_id": network["outlet"].id, "language": "en",
                                                      "beats": "Y tế; Giáo dục"})
    assert r.status_code == 302
    r = client.post(f"/contacts/journalists/{hanh.id}/edit", data={
        "full_name": "Nguyễn Thị Hạnh", "email": "hanh@x.vn", "outlet_id": network["outlet"].id, "language": "vi",
        "notes": "Đã đổi"})
    assert r.status_code == 302
    assert client.get(f"/contacts/journalists/{hanh.id}/edit").status_code == 200


def test_status_form_and_vcard(client, logged_in, network):
    hanh = network["hanh"]
    r = client.post(f"/contacts/journalists/{hanh.id}/status", data={"status": "unsubscribed", "reason": "tự huỷ"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Journalist, hanh.id).status == "unsubscribed"
    r = client.get(f"/contacts/journalists/{hanh.id}/vcard")
    assert r.status_code == 200 and "BEGIN:VCARD" in text(r)


def test_other_office_pages_are_404(client, logged_in, other_office):
    foreign_outlet = outlet(other_office.id, "Báo Hà Nội Mới")
    foreign = journalist(other_office.id, foreign_outlet, "Lạ")
    dl = ops.create_list(other_office.id, {"name": "Khác"})
    db.session.commit()
    assert client.get(f"/contacts/journalists/{foreign.id}").status_code == 404
    assert client.get(f"/contacts/outlets/{foreign_outlet.id}/edit").status_code == 404
    assert client.get(f"/contacts/lists/{dl.id}").status_code == 404


def test_viewer_reads_but_cannot_change(client, auth, office, make_user, network):
    viewer = make_user(office, "viewer")
    auth.login(viewer.email)
    assert client.get("/contacts/").status_code == 200
    assert "Thêm nhà báo" not in text(client.get("/contacts/"))
    assert client.get("/contacts/journalists/new").status_code == 403
    assert client.post("/contacts/beats", data={"name": "X"}).status_code == 403
    assert client.get("/contacts/import").status_code == 403


def test_outlet_pages(client, logged_in, network):
    r = client.get("/contacts/outlets")
    assert r.status_code == 200 and "Cơ quan báo chí" in text(r) and "Báo in" in text(r)
    r = client.post("/contacts/outlets/new", data={"name": "", "kind": "tv", "level": "local"})
    assert r.status_code == 422 and "Vui lòng nhập tên." in text(r)
    r = client.post("/contacts/outlets/new", data={"name": "Báo quảng ninh", "kind": "tv", "level": "local"})
    assert r.status_code == 422 and "đã có" in text(r)
    r = client.post("/contacts/outlets/new", data={"name": "VOV", "kind": "radio", "level": "central",
                                                   "website": "vov.vn"})
    assert r.status_code == 302
    vov = db.session.scalar(select(Outlet).where(Outlet.name == "VOV"))
    assert vov.domains == ["vov.vn"]
    r = client.post(f"/contacts/outlets/{network['outlet'].id}/delete")
    assert r.status_code == 302
    assert db.session.get(Outlet, network["outlet"].id) is not None  # still has journalists
    assert client.post(f"/contacts/outlets/{vov.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Outlet, vov.id) is None


def test_beats_page(client, logged_in, network):
    r = client.get("/contacts/beats")
    assert r.status_code == 200 and "Kinh tế" in text(r)
    assert client.post("/contacts/beats", data={"name": "kinh te"}).status_code == 422
    assert client.post("/contacts/beats", data={"name": "Biển đảo"}).status_code == 302


def test_list_pages_show_members_and_exclusions(client, logged_in, network):
    dl = network["list"]
    r = client.get(f"/contacts/lists/{dl.id}")
    assert r.status_code == 200
    body = text(r)
    assert "Nguyễn Thị Hạnh" in body and "Bị loại và lý do" in body and "Thư bị trả lại" in body
    assert "550 hộp thư không tồn tại" in body
    r = client.post(f"/contacts/lists/{dl.id}", data={"who": "khongco@x.vn"})
    assert r.status_code == 422 and "Không tìm thấy nhà báo này." in text(r)
    assert client.post(f"/contacts/lists/{dl.id}", data={"who": "hanh@x.vn"}).status_code == 302
    assert client.get("/contacts/lists").status_code == 200
    r = client.post("/contacts/lists/new", data={"name": ""})
    assert r.status_code == 422
    r = client.post("/contacts/lists/new", data={"name": "Truyền hình", "rule_kinds": ["tv"]})
    assert r.status_code == 302
    created = db.session.scalar(select(DistributionList).where(DistributionList.name == "Truyền hình"))
    assert created.rule == {"outlet_kinds": ["tv"]}
    assert client.get(f"/contacts/lists/{created.id}/edit").status_code == 200


def test_merge_page(client, logged_in, network, office):
    dup = journalist(office.id, network["outlet"], "Nguyễn T. Hạnh", email="hanh2@x.vn")
    r = client.get(f"/contacts/merge?keep={network['hanh'].id}&drop=hanh2@x.vn")
    assert r.status_code == 200 and "Gộp #" in text(r)
    r = client.get("/contacts/merge?keep=999999&drop=hanh2@x.vn")
    assert r.status_code == 422 and "Không tìm thấy nhà báo này." in text(r)
    r = client.post("/contacts/merge", data={"keep": network["hanh"].id, "drop": dup.id, "confirm": "1"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Journalist, dup.id).merged_into_id == network["hanh"].id


def test_import_flow_dry_run_then_confirm(client, logged_in, office):
    r = client.get("/contacts/import")
    assert r.status_code == 200 and "Tải tệp mẫu" in text(r)
    rows = [HEADER_VI, ["Nguyễn Thị Hạnh", "Báo Quảng Ninh", "hanh@x.vn", "", "Kinh tế"],
            ["Sai", "Báo Quảng Ninh", "sai-email", "", ""]]
    r = client.post("/contacts/import", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(xlsx_bytes(rows)), "ds.xlsx")})
    assert r.status_code == 302
    report_url = r.headers["Location"]
    page = client.get(report_url)
    assert page.status_code == 200
    assert "Kiểm tra trước khi nhập" in text(page) and "Email không hợp lệ" in text(page)
    assert db.session.scalar(select(func.count(Journalist.id))) == 0
    import_id = int(report_url.rstrip("/").split("/")[-1])
    r = client.post(f"/contacts/import/{import_id}/confirm")
    assert r.status_code == 302
    assert "Đã nhập xong" in text(client.get(r.headers["Location"]))
    assert db.session.scalar(select(func.count(Journalist.id))) == 1
    # A preview is confirmed once.
    client.post(f"/contacts/import/{import_id}/confirm")
    assert db.session.scalar(select(func.count(Journalist.id))) == 1


def test_import_page_bad_files(client, logged_in):
    r = client.post("/contacts/import", content_type="multipart/form-data", data={})
    assert r.status_code == 422 and "Hãy chọn một tệp CSV hoặc XLSX." in text(r)
    r = client.post("/contacts/import", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(csv_bytes([HEADER_VI])), "ds.xlsx")})
    assert r.status_code == 422 and "không phải bảng tính" in text(r)
    big = b"a" * (10 * 1024 * 1024 + 10)
    r = client.post("/contacts/import", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(big), "big.csv")})
    assert r.status_code == 413 and "10 MB" in text(r)


def test_import_background_progress_page(client, logged_in, office, app_env):
    from coordinator.contacts import importer
    from tests.support.processes import run_burst_worker

    rows = [HEADER_VI] + [[f"PV {i}", "Báo A", f"p{i}@x.vn"] for i in range(importer.BACKGROUND_ROWS + 1)]
    r = client.post("/contacts/import", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(csv_bytes(rows)), "lon.csv")})
    assert r.status_code == 302
    page = client.get(r.headers["Location"])
    assert "<progress" in text(page) and "contacts-import.js" in text(page)
    status_url = r.headers["Location"] + "/status.json"
    assert client.get(status_url).json["status"] == "queued"
    run_burst_worker(app_env, timeout=300)
    assert client.get(status_url).json == {"status": "done", "processed": importer.BACKGROUND_ROWS + 1,
                                           "total": importer.BACKGROUND_ROWS + 1, "percent": 100, "error": None}
    assert "Xác nhận nhập" in text(client.get(r.headers["Location"]))


def test_template_and_export_downloads(client, logged_in, network):
    r = client.get("/contacts/import/template.xlsx")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    r = client.get("/contacts/export?format=csv&q=hanh")
    assert r.status_code == 200 and r.data.startswith(b"\xef\xbb\xbf") and "Nguyễn Thị Hạnh" in r.data.decode()
    assert client.get("/contacts/export?format=xlsx").status_code == 200
