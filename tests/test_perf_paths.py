"""Behaviour of the paths made faster for issue 10 (never timed): the personal feed's one-query
revalidation, the bulk journalist import and the prepared attendance-report statements."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from coordinator.contacts import importer
from coordinator.contacts.models import Beat, Journalist, JournalistOutletHistory, journalist_beat
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.schedule.models import JournalistFeedToken
from tests.fixtures.contacts.helpers import HEADER_VI, xlsx_bytes
from tests.test_schedule_core import make_journalist  # noqa: F401  (fixture)


def _personal(client, token: str, **headers):
    return client.get(f"/calendar/personal/{token}.ics", headers=headers)


def test_personal_feed_revalidation_follows_revocation_and_schedule(client, api, office, make_journalist):  # noqa: F811
    from coordinator.schedule import operations as ops

    journalist = make_journalist(beats=["Kinh tế"])
    _, token = ops.issue_feed_token(office.id, journalist.id)
    db.session.commit()
    first = _personal(client, token)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    again = _personal(client, token, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert "private" in again.headers["Cache-Control"]
    assert again.headers["X-Content-Type-Options"] == "nosniff"  # the app's hooks still answer

    # the first use was recorded; within the hour it is not written again
    row = db.session.scalar(select(JournalistFeedToken).where(JournalistFeedToken.journalist_id == journalist.id))
    assert row.last_used_at is not None and row.last_used_at > clock.now() - timedelta(minutes=5)

    # a schedule change (the office's version) is seen by the very next revalidation
    created = api.client.post("/api/v1/briefings", headers=api.headers, json={
        "title": "Họp báo đột xuất", "dtstart": (clock.now() + timedelta(days=3)).strftime("%Y-%m-%dT10:00"),
        "duration_minutes": 60, "audience": {"journalist_ids": [journalist.id]}})
    assert created.status_code == 201, created.get_json()
    changed = _personal(client, token, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag

    # a revoked token stops answering at once, cached bytes or not
    ops.revoke_feed_tokens(office.id, journalist.id)
    db.session.commit()
    assert _personal(client, token, **{"If-None-Match": changed.headers["ETag"]}).status_code == 404
    assert _personal(client, token).status_code == 404
    assert _personal(client, "x" * 201).status_code == 404


def test_bulk_import_writes_what_the_report_says(api, office):
    rows = [HEADER_VI]
    for i in range(1, 1301):  # more than one insert batch
        beats = ("Kinh tế; Y tế", "Giáo dục", "")[i % 3]
        rows.append([f"Nguyễn Văn {i}", ("Báo Nhân Dân", "Đài Phát thanh")[i % 2], f"pv{i}@bao.vn", "", beats])
    rows.append(["Trùng Lặp", "Báo Nhân Dân", "pv7@bao.vn", "", ""])
    parsed = importer.parse_file("list.xlsx", xlsx_bytes(rows))

    dry = importer.run_import(office.id, parsed, dry_run=True)
    db.session.rollback()
    assert dry["summary"] == {"created": 1300, "updated": 0, "rejected": 1}
    assert db.session.scalar(select(func.count(Journalist.id)).where(Journalist.office_id == office.id)) == 0

    report = importer.run_import(office.id, parsed, dry_run=False, filename="list.xlsx")
    db.session.commit()
    assert report["summary"] == {"created": 1300, "updated": 0, "rejected": 1}
    assert "pv7@bao.vn" in report["rows"][-1]["reason"]
    ids = [item["journalist_id"] for item in report["rows"] if item["status"] == "created"]
    assert len(set(ids)) == 1300
    db.session.expire_all()
    by_id = {j.id: j for j in db.session.scalars(select(Journalist).where(Journalist.id.in_(ids)))}
    for item in report["rows"][:-1]:
        journalist = by_id[item["journalist_id"]]
        n = item["row"] - 1
        assert journalist.email == f"pv{n}@bao.vn" and journalist.full_name == f"Nguyễn Văn {n}"
        assert journalist.full_name_folded == f"nguyen van {n}" and journalist.status == "active"
        assert journalist.outlet.name == ("Báo Nhân Dân", "Đài Phát thanh")[n % 2]
        assert [b.name for b in journalist.beats] == [["Kinh tế", "Y tế"], ["Giáo dục"], []][n % 3]
        assert [(h.outlet_id, h.valid_to) for h in journalist.history] == [(journalist.outlet_id, None)]
        assert journalist.created_at is not None and journalist.language == "vi"
    assert db.session.scalar(select(func.count()).select_from(JournalistOutletHistory)
                             .where(JournalistOutletHistory.journalist_id.in_(ids))) == 1300
    assert db.session.scalar(select(func.count()).select_from(journalist_beat)
                             .where(journalist_beat.c.journalist_id.in_(ids))) == 433 * 2 + 434
    assert db.session.scalar(select(func.count(Beat.id)).where(Beat.office_id == office.id)) == 3

    # the same file again updates every one of them, creating nothing
    again = importer.run_import(office.id, parsed, dry_run=False, filename="list.xlsx")
    db.session.commit()
    assert again["summary"] == {"created": 0, "updated": 1300, "rejected": 1}
    assert sorted(i["journalist_id"] for i in again["rows"] if i["status"] == "updated") == sorted(ids)


def test_report_statements_are_built_once_and_bound_per_office(app, office, other_office):
    from coordinator.attendance import reports

    period = reports.default_period("Asia/Ho_Chi_Minh")
    assert reports.attendance_report(office.id, period, "outlet") == []
    built = dict(reports._STATEMENTS)
    assert reports.attendance_report(other_office.id, period, "outlet") == []
    # reused, not rebuilt: the office and the dates are parameters
    assert built and set(built) == set(reports._STATEMENTS)
    assert all(reports._STATEMENTS[key] is statements for key, statements in built.items())
