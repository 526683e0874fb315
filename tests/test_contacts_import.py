"""Import (CSV/XLSX, dry run, all-or-nothing, bad input, background job) and export."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from coordinator.contacts import importer
from coordinator.contacts.models import Journalist, Outlet
from coordinator.extensions import db
from tests.fixtures.contacts.helpers import HEADER_EN, HEADER_VI, csv_bytes, journalist, outlet, xlsx_bytes
from tests.support.processes import run_burst_worker

REPORT_KEYS = {"dry_run", "summary", "rows"}


def upload(api, data: bytes, filename: str, dry_run: bool = False):
    url = "/api/v1/journalists/import" + ("?dry_run=1" if dry_run else "")
    return api.client.post(url, headers=api.headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), filename)})


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def sample_rows(header=HEADER_VI):
    return [header,
            ["Nguyễn Thị Hạnh", "Báo Quảng Ninh", "Hanh@BaoQuangNinh.vn", "0912 345 678", "Kinh tế; Du lịch"],
            ["Trần Đức Anh", "Đài PT-TH Quảng Ninh", "anh@qtv.vn", "", "Y tế"],
            ["", "Báo Quảng Ninh", "khongten@x.vn", "", ""],
            ["Lê Văn Sai", "Báo Quảng Ninh", "not-an-email", "", ""],
            ["Bản Trùng", "Báo Quảng Ninh", "hanh@baoquangninh.vn", "", ""],
            ["Phạm Điện Thoại", "Báo Quảng Ninh", "pdt@x.vn", "12", ""]]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_dry_run_reports_and_changes_nothing(api, office, kind):
    data = xlsx_bytes(sample_rows()) if kind == "xlsx" else csv_bytes(sample_rows(), bom=True)
    r = upload(api, data, f"danh-ba.{kind}", dry_run=True)
    assert r.status_code == 200, r.json
    assert set(r.json) == REPORT_KEYS and r.json["dry_run"] is True
    assert r.json["summary"] == {"created": 2, "updated": 0, "rejected": 4}
    rows = {row["row"]: row for row in r.json["rows"]}
    assert [rows[n]["status"] for n in range(2, 8)] == ["created", "created", "rejected", "rejected", "rejected",
                                                        "rejected"]
    assert "Họ và tên" in rows[4]["reason"]
    assert "Email không hợp lệ" in rows[5]["reason"]
    assert "dòng 2" in rows[6]["reason"]
    assert "điện thoại" in rows[7]["reason"].lower()
    assert count(Journalist) == 0 and count(Outlet) == 0


def test_real_run_creates_then_updates(api, office):
    existing_outlet = outlet(office.id, "BÁO QUẢNG NINH")
    r = upload(api, xlsx_bytes(sample_rows(HEADER_EN)), "contacts.xlsx")
    assert r.status_code == 200
    assert r.json["dry_run"] is False and r.json["summary"] == {"created": 2, "updated": 0, "rejected": 4}
    created = {row["row"]: row["journalist_id"] for row in r.json["rows"] if row["status"] == "created"}
    hanh = db.session.get(Journalist, created[2])
    assert hanh.email == "hanh@baoquangninh.vn" and hanh.phone == "+84912345678"
    assert hanh.outlet_id == existing_outlet.id  # matched by folded name
    assert sorted(b.name for b in hanh.beats) == ["Du lịch", "Kinh tế"]
    assert count(Outlet) == 2  # the TV station was created
    tv = db.session.scalar(select(Outlet).where(Outlet.name == "Đài PT-TH Quảng Ninh"))
    assert tv.kind == "tv"

    again = upload(api, csv_bytes([HEADER_VI, ["Nguyễn Thị Hạnh", "Đài PT-TH Quảng Ninh", "HANH@baoquangninh.vn",
                                               "0987654321", "Giáo dục"]]), "lan2.csv")
    assert again.json["summary"] == {"created": 0, "updated": 1, "rejected": 0}
    assert again.json["rows"] == [{"row": 2, "status": "updated", "journalist_id": hanh.id}]
    db.session.expire_all()
    hanh = db.session.get(Journalist, hanh.id)
    assert hanh.outlet_id == tv.id and hanh.phone == "+84987654321" and [b.name for b in hanh.beats] == ["Giáo dục"]
    # Created and moved on the same day: the day's period now names the new outlet.
    assert [h.outlet_id for h in hanh.history] == [tv.id]


def test_header_aliases_case_and_diacritics_insensitive_and_sheet_row_numbers(api, office):
    rows = [["DANH BẠ PHÓNG VIÊN 2026"], [],
            ["ho ten", "CO QUAN", "e-mail", "SĐT", "lĩnh vực", "Ngôn ngữ", "Ghi chú", "Loại hình", "Cấp"],
            ["Vũ Thị Lan", "Tạp chí Du lịch", "lan@x.vn", 912345678, "Du lịch", "en", "ghi chú", "Tạp chí",
             "Trung ương"],
            [None, None, None],
            ["Đỗ Minh Quân", "Báo Mới", "quan@x.vn", None, None, None, None, "podcast", None]]
    r = upload(api, xlsx_bytes(rows), "ds.xlsx")
    assert r.status_code == 200, r.json
    assert [(row["row"], row["status"]) for row in r.json["rows"]] == [(4, "created"), (6, "rejected")]
    assert "Loại hình không hợp lệ" in r.json["rows"][1]["reason"]
    lan = db.session.get(Journalist, r.json["rows"][0]["journalist_id"])
    assert lan.language == "en" and lan.phone == "+84912345678"
    assert (lan.outlet.kind, lan.outlet.level) == ("magazine", "central")


def test_csv_semicolon_and_no_bom(api, office):
    data = csv_bytes([HEADER_VI, ["Hồ Thị Mai", "Báo Quảng Ninh", "mai@x.vn", "", ""]], delimiter=";")
    r = upload(api, data, "ds.csv")
    assert r.json["summary"]["created"] == 1


def test_real_run_is_all_or_nothing(api, office, monkeypatch):
    original = importer._update_existing
    journalist(office.id, outlet(office.id, "Báo Quảng Ninh"), "Cũ", email="cu@x.vn")

    def boom(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("đĩa đầy")

    monkeypatch.setattr(importer, "_update_existing", boom)
    rows = [HEADER_VI, ["Mới Một", "Báo Mới", "moi1@x.vn", "", "Môi trường"], ["Cũ Sửa", "Báo Quảng Ninh", "cu@x.vn"]]
    r = upload(api, csv_bytes(rows), "ds.csv")
    assert r.status_code == 500
    assert count(Journalist) == 1 and count(Outlet) == 1
    db.session.expire_all()
    assert db.session.scalar(select(Journalist.full_name)) == "Cũ"


@pytest.mark.parametrize(("filename", "data", "needle"), [
    ("ds.xlsx", b"Ho va ten,Email\nA,a@x.vn\n", "không phải bảng tính"),
    ("ds.csv", xlsx_bytes([HEADER_VI]), "nội dung là bảng tính"),
    ("ds.csv", b"Ho va ten,Co quan bao chi,Email\nNguy\xea\xe3n,B,a@x.vn\n", "UTF-8"),  # Windows-1258
    ("ds.csv", "Họ và tên,Email\n".encode("utf-16"), "UTF"),
    ("ds.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
    ("ds.pdf", b"%PDF-1.4", ".csv hoặc .xlsx"),
    ("ds.csv", b"", "rỗng"),
    ("ds.csv", "Tên gọi,Địa chỉ\nA,B\n".encode(), "tiêu đề"),
    ("ds.csv", "Họ và tên,Email\nA,a@x.vn\n".encode(), "Cơ quan báo chí"),
    ("ds.csv", "Họ và tên,Cơ quan báo chí,Email\n".encode(), "không có dòng dữ liệu"),
])
def test_bad_files_are_rejected_whole(api, office, filename, data, needle):
    r = upload(api, data, filename)
    assert r.status_code == 422, r.json
    assert needle.lower() in r.json["error"]["fields"]["file"].lower()
    assert count(Journalist) == 0


def test_xlsx_missing_ooxml_parts_and_corrupt(api, office):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    r = upload(api, buffer.getvalue(), "ds.xlsx")
    assert r.status_code == 422 and "OOXML" in r.json["error"]["fields"]["file"]
    broken = xlsx_bytes([HEADER_VI])[:300]
    assert upload(api, broken, "ds.xlsx").status_code == 422


def test_file_over_10_mb_is_413(api, office):
    data = b"Ho va ten,Co quan bao chi,Email\n" + b"x" * (10 * 1024 * 1024)
    r = upload(api, data, "big.csv")
    assert r.status_code == 413 and r.json["error"]["code"] == "payload_too_large"


def test_missing_file_and_viewer(api, office, make_user, api_as):
    r = api.client.post("/api/v1/journalists/import", headers=api.headers, content_type="multipart/form-data",
                        data={})
    assert r.status_code == 422 and "file" in r.json["error"]["fields"]
    viewer = api_as(make_user(office, "viewer"))
    assert upload(viewer, csv_bytes(sample_rows()), "ds.csv").status_code == 403


def test_large_file_runs_as_background_job(api, office, app_env):
    rows = [HEADER_VI] + [[f"Phóng viên {i}", f"Báo số {i % 5}", f"pv{i}@x.vn", "", "Kinh tế"]
                          for i in range(importer.BACKGROUND_ROWS + 5)]
    rows.append(["Trùng", "Báo số 1", "pv1@x.vn", "", ""])
    r = upload(api, xlsx_bytes(rows), "lon.xlsx")
    assert r.status_code == 202, r.json
    assert set(r.json) == {"job_id", "status_url"}
    pending = api.get(r.json["status_url"])
    assert pending.status_code == 202 and pending.json["status"] == "queued"
    assert count(Journalist) == 0
    run_burst_worker(app_env, timeout=300)
    done = api.get(r.json["status_url"])
    assert done.status_code == 200, done.json
    assert set(done.json) == REPORT_KEYS
    assert done.json["summary"] == {"created": importer.BACKGROUND_ROWS + 5, "updated": 0, "rejected": 1}
    assert done.json["rows"][-1]["row"] == len(rows) and done.json["rows"][-1]["status"] == "rejected"
    assert count(Journalist) == importer.BACKGROUND_ROWS + 5


def test_large_dry_run_in_background_changes_nothing(api, office, app_env):
    rows = [HEADER_VI] + [[f"PV {i}", "Báo A", f"p{i}@x.vn"] for i in range(importer.BACKGROUND_ROWS + 1)]
    r = upload(api, csv_bytes(rows), "lon.csv", dry_run=True)
    assert r.status_code == 202
    run_burst_worker(app_env, timeout=300)
    done = api.get(r.json["status_url"]).json
    assert done["dry_run"] is True and done["summary"]["created"] == importer.BACKGROUND_ROWS + 1
    assert count(Journalist) == 0 and count(Outlet) == 0


def test_status_url_of_another_office_is_404(api, office, other_office, make_user, api_as, app_env):
    rows = [HEADER_VI] + [[f"PV {i}", "Báo A", f"p{i}@x.vn"] for i in range(importer.BACKGROUND_ROWS + 1)]
    r = upload(api, csv_bytes(rows), "lon.csv", dry_run=True)
    stranger = api_as(make_user(other_office, "admin"))
    assert stranger.get(r.json["status_url"]).status_code == 404


# --- export ------------------------------------------------------------------------------------------

@pytest.fixture
def exportable(office):
    qn = outlet(office.id, "Báo Quảng Ninh")
    tv = outlet(office.id, "=HYPERLINK(\"http://evil\")", kind="tv", level="local")
    journalist(office.id, qn, "Nguyễn Thị Hạnh", email="hanh@x.vn", phone="0912345678", beats=["Kinh tế"])
    journalist(office.id, tv, "@Mallory", email="m@x.vn", notes="-2+3", beats=["Y tế"])
    return qn, tv


def test_export_csv_has_bom_and_neutralises_formulas(api, office, exportable):
    r = api.get("/api/v1/journalists/export?format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    raw = r.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Mã", "Họ và tên", "Cơ quan báo chí", "Email"]
    by_name = {row[1]: row for row in rows[1:]}
    assert "'@Mallory" in by_name
    mallory = by_name["'@Mallory"]
    assert mallory[2] == "'=HYPERLINK(\"http://evil\")" and mallory[7] == "'-2+3"
    assert by_name["Nguyễn Thị Hạnh"][4] == "0912 345 678"


def test_export_xlsx_with_filters_and_reimport(api, office, exportable):
    r = api.get("/api/v1/journalists/export?format=xlsx&beat=y-te")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2
    assert values[1][1] == "'@Mallory" and values[1][2].startswith("'=")
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values[1])
    full = api.get("/api/v1/journalists/export?format=xlsx&q=hanh").get_data()
    again = upload(api, full, "export.xlsx", dry_run=True)
    assert again.json["summary"] == {"created": 0, "updated": 1, "rejected": 0}
    assert api.get("/api/v1/journalists/export?format=pdf").status_code == 422


def test_template_headers_are_recognised(app):
    from coordinator.contacts.exporter import template_xlsx

    parsed = importer.parse_file("mau.xlsx", template_xlsx())
    assert set(parsed.columns) == set(importer.FIELDS)
    assert len(parsed.rows) == 1
