"""Bad input for pack files: type sniffed by content, size limits (413), Office decompression limits,
path traversal in names; storage names are ours; files served as attachments with the Vietnamese name
(RFC 6266/5987), the sniffed type and ``nosniff``."""
from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import unquote

import pytest

from coordinator.extensions import db
from coordinator.packs import operations as ops
from coordinator.packs import sanitize, sniff
from coordinator.packs.models import PackFile
from coordinator.packs.serving import content_disposition
from tests.support import packs as files


def upload(api, uploads, title="Tài liệu"):
    data = {"title": title, "files": [(io.BytesIO(content), name) for name, content in uploads]}
    return api.client.post("/api/v1/packs", data=data, headers=api.headers, content_type="multipart/form-data")


@pytest.mark.parametrize("name,make,content_type", [
    ("a.pdf", files.pdf, "application/pdf"),
    ("a.PNG", files.png, "image/png"),
    ("a.jpg", files.jpeg, "image/jpeg"),
    ("a.jpeg", files.jpeg, "image/jpeg"),
    ("a.mp4", files.mp4, "video/mp4"),
    ("a.docx", files.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("a.xlsx", files.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("a.pptx", lambda: files.office_zip("pptx"),
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
])
def test_every_accepted_kind(api, name, make, content_type):
    response = upload(api, [(name, make())])
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["files"][0]["content_type"] == content_type


@pytest.mark.parametrize("name,make,message", [
    ("report.pdf", files.png, "không khớp"),  # a PNG named .pdf
    ("report.docx", files.pdf, "không khớp"),
    ("report.xlsx", files.docx, "không khớp"),  # a Word file named .xlsx
    ("page.html", lambda: b"<html><script>alert(1)</script></html>", "Phần mở rộng"),
    ("page.pdf", lambda: b"<html><script>alert(1)</script></html>", "không được hỗ trợ"),
    ("run.exe", lambda: b"MZ\x90\x00", "Phần mở rộng"),
    ("macro.docx", lambda: files.office_zip("docm"), "macro"),
    ("broken.docx", lambda: files.office_zip("docx", main_present=False), "thiếu phần nội dung chính"),
    ("plain.docx", lambda: b"PK\x03\x04 not really a zip", "bị hỏng"),
    ("empty.pdf", lambda: b"", "rỗng"),
])
def test_bad_files_are_refused_before_anything_is_written(api, app, name, make, message):
    response = upload(api, [("good.pdf", files.pdf()), (name, make())])
    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"]["files"]
    assert db.session.scalar(db.select(db.func.count()).select_from(PackFile)) == 0
    uploads = Path(app.instance_path) / "uploads"
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))


def test_zip_bombs_are_refused(api):
    bomb = upload(api, [("bom.docx", files.zip_bomb())])
    assert bomb.status_code == 422 and "bom giải nén" in bomb.get_json()["error"]["fields"]["files"]
    # Under the total limit but with an absurd ratio (50 MB of zeros in a few KB).
    ratio = files.office_zip("docx", extra={"word/media/z.bin": b"\x00" * (50 * 1024 * 1024)})
    assert len(ratio) < 200_000
    response = upload(api, [("ratio.docx", ratio)])
    assert response.status_code == 422 and "bom giải nén" in response.get_json()["error"]["fields"]["files"]


def test_too_many_entries_refused():
    many = files.office_zip("docx", extra={f"word/x{n}.xml": b"x" for n in range(sniff.MAX_ENTRIES + 1)})
    with pytest.raises(sniff.SniffError, match="quá nhiều phần"):
        sniff.sniff(many)


def test_office_size_limit_answers_413(api, office):
    ops.update_settings(office.id, max_file_mb=1)
    db.session.commit()
    big = files.pdf() + b"%" + b"0" * (1024 * 1024)
    response = upload(api, [("lớn.pdf", big)])
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert db.session.scalar(db.select(db.func.count()).select_from(PackFile)) == 0


def test_request_over_max_content_length_answers_413(api, app):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(api, [("a.pdf", files.pdf() + b"0" * (128 * 1024))])
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_path_traversal_in_names(api, app):
    response = upload(api, [("../../../etc/Báo cáo.pdf", files.pdf()), ("../../windows/ảnh.png", files.png()),
                            ("....pdf", files.pdf()), ('a<b>c|d?.pdf', files.pdf())])
    assert response.status_code == 201
    names = [f["name"] for f in response.get_json()["files"]]
    assert names == ["Báo cáo.pdf", "ảnh.png", "tai-lieu.pdf", "a_b_c_d_.pdf"]
    for row in db.session.scalars(db.select(PackFile)):
        assert "/" not in row.display_name and "\\" not in row.display_name and ".." not in row.display_name
        # Stored under our own name, inside the office's folder of the uploads directory.
        assert row.storage_name.startswith("quang-ninh/") and len(row.storage_name.split("/")[1]) == 32
        path = (Path(app.instance_path) / "uploads" / row.storage_name).resolve()
        assert path.is_file() and (Path(app.instance_path) / "uploads").resolve() in path.parents


def test_display_name_rules():
    assert sanitize.display_name("../../etc/passwd") == "passwd"
    assert sanitize.display_name("C:\\Users\\a\\Tờ trình.docx") == "Tờ trình.docx"
    assert sanitize.display_name(".bashrc") == "tai-lieu.bashrc"
    assert sanitize.display_name("") == "tai-lieu"
    assert sanitize.display_name("a\x00b\nc.pdf") == "a_b_c.pdf"
    long = sanitize.display_name("x" * 400 + ".pdf")
    assert len(long) <= 200 and long.endswith(".pdf")


def test_storage_refuses_names_it_did_not_make(app):
    from coordinator.packs.storage import storage

    for name in ("../secret", "quang-ninh/../../x", "/etc/passwd", "quang-ninh/abc"):
        with pytest.raises(ValueError):
            storage().open(name)


def test_content_disposition_vietnamese_name():
    header = content_disposition("Báo cáo tình hình mưa lũ.pdf")
    assert header.startswith('attachment; filename="bao cao tinh hinh mua lu.pdf"; ')
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20t%C3%ACnh%20h%C3%ACnh%20m%C6%B0a%20l%C5%A9.pdf" in header
    assert "\n" not in content_disposition('x"\r\ny.pdf')


def test_staff_download_headers(api, client, admin, auth):
    body = upload(api, [("Báo cáo quý III – Đà Nẵng.pdf", files.pdf())]).get_json()
    auth.login(admin.email)
    response = client.get(f"/packs/{body['id']}/files/{body['files'][0]['id']}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Báo cáo quý III – Đà Nẵng.pdf"
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and fallback.endswith(".pdf")
    assert response.data == files.pdf()


def test_files_follow_the_transaction(app, office, admin):
    """A file saved in a transaction that rolls back is removed; a deleted file stays on disk
    until the deletion commits."""
    from coordinator.extensions import db
    from coordinator.packs.storage import delete_after_commit, save_in_transaction, storage

    store = storage()
    kept = save_in_transaction(office.slug, b"%PDF-1.4 kept")
    db.session.commit()
    lost = save_in_transaction(office.slug, b"%PDF-1.4 lost")
    db.session.rollback()
    assert store.size(kept) > 0
    with pytest.raises(FileNotFoundError):
        store.size(lost)
    delete_after_commit(kept)
    db.session.rollback()  # the deletion was not committed: the file stays
    assert store.size(kept) > 0
    delete_after_commit(kept)
    db.session.commit()
    with pytest.raises(FileNotFoundError):
        store.size(kept)
