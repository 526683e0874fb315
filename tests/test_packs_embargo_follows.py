"""Issue 19.7: an embargo that follows its briefing ("at the start of briefing X", or N minutes after it)
moves when the briefing moves, holds when it is cancelled (the spokespeople are told by mail and the pack
page says so), resumes when it is restored; a fixed time stays possible and stays put."""
from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.packs.models import Pack
from tests.support import domain
from tests.support.processes import run_burst_worker


def mails(app, purpose: str) -> list:
    found = []
    for path in sorted(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"), key=lambda p: p.stat().st_mtime):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["X-Coordinator-Purpose"] == purpose:
            found.append(message)
    return found


def release_events(pack_id: int) -> list[datetime]:
    rows = db.session.scalars(select(OutboxEvent).where(OutboxEvent.kind == "pack.release_due")
                              .order_by(OutboxEvent.id))
    return [e.due_at for e in rows if e.payload.get("pack_id") == pack_id]


def iso_utc(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


@pytest.fixture
def spokesperson(office, make_user):
    return make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn", full_name="Lê Minh Phát")


def test_embargo_moves_holds_and_resumes_with_its_briefing(app, app_env, api, office, spokesperson):
    people = domain.journalists(office, 2)
    start = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    briefing = domain.adhoc(office, people, start=start, title="Họp báo quý IV")
    created = api.post(f"/api/v1/briefings/{briefing.id}/packs", json={
        "title": "Thông cáo quý IV", "embargo_mode": "briefing", "embargo_offset_minutes": 30})
    assert created.status_code == 201, created.get_json()
    pack = created.get_json()
    assert pack["embargo_mode"] == "briefing" and pack["embargo_offset_minutes"] == 30
    assert iso_utc(pack["embargo_until"]) == start + timedelta(minutes=30) and pack["embargo_held"] is False
    assert "30 phút sau khi buổi họp báo “Họp báo quý IV” bắt đầu" in pack["embargo_text"]
    assert api.post(f"/api/v1/packs/{pack['id']}/submit").status_code == 200
    assert api.post(f"/api/v1/packs/{pack['id']}/approve").status_code == 200
    assert release_events(pack["id"]) == [start + timedelta(minutes=30)]

    # The briefing moves two hours later: the embargo and the scheduled release move with it.
    later = start + timedelta(hours=2)
    assert api.patch(f"/api/v1/briefings/{briefing.id}", json={"start": later.isoformat()}).status_code == 200
    moved = api.get(f"/api/v1/packs/{pack['id']}").get_json()
    assert iso_utc(moved["embargo_until"]) == later + timedelta(minutes=30)
    assert iso_utc(moved["release_due_at"]) == later + timedelta(minutes=30)
    assert release_events(pack["id"])[-1] == later + timedelta(minutes=30)
    run_burst_worker(app_env)
    told = mails(app, "embargo")
    assert sorted(m["To"].addresses[0].addr_spec for m in told) == sorted(["admin@quangninh.gov.vn",
                                                                           spokesperson.email])
    body = told[0].get_body(("plain",)).get_content()
    assert "dời theo" in body and "Thông cáo quý IV" in body
    assert mails(app, "pack") == []

    # Cancelled: the embargo holds with no end; nothing can release it, the job holds it too.
    assert api.patch(f"/api/v1/briefings/{briefing.id}", json={"status": "cancelled"}).status_code == 200
    held = api.get(f"/api/v1/packs/{pack['id']}").get_json()
    assert held["embargo_held"] is True and "đã bị huỷ" in held["embargo_text"]
    refused = api.post(f"/api/v1/packs/{pack['id']}/release")
    assert refused.status_code == 409
    from jobs.packs import release_due

    assert release_due(pack["id"], now=datetime.now(UTC) + timedelta(days=30)) == "held"
    db.session.rollback()
    run_burst_worker(app_env)
    assert len(mails(app, "embargo")) == 4  # told once more each, never twice for the same change
    assert mails(app, "pack") == []
    assert db.session.get(Pack, pack["id"]).status == "approved"

    # Restored: the embargo follows the briefing's time again; a repeat of the same change tells nobody again.
    assert api.patch(f"/api/v1/briefings/{briefing.id}", json={"status": "scheduled"}).status_code == 200
    resumed = api.get(f"/api/v1/packs/{pack['id']}").get_json()
    assert resumed["embargo_held"] is False and iso_utc(resumed["embargo_until"]) == later + timedelta(minutes=30)
    run_burst_worker(app_env)
    run_burst_worker(app_env)
    assert len(mails(app, "embargo")) == 6


def test_a_fixed_embargo_stays_when_the_briefing_moves(api, office, make_user):
    people = domain.journalists(office, 1)
    start = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    briefing = domain.adhoc(office, people, start=start)
    fixed = (start + timedelta(hours=1)).isoformat()
    pack = api.post(f"/api/v1/briefings/{briefing.id}/packs", json={"title": "Cố định", "embargo_until": fixed})
    assert pack.status_code == 201 and pack.get_json()["embargo_mode"] == "fixed"
    assert "giờ cố định" in pack.get_json()["embargo_text"]
    api.patch(f"/api/v1/briefings/{briefing.id}", json={"start": (start + timedelta(days=1)).isoformat()})
    assert iso_utc(api.get(f"/api/v1/packs/{pack.get_json()['id']}").get_json()["embargo_until"]) == iso_utc(fixed)
    # A pack that followed its briefing becomes fixed again by choosing a time.
    follows = api.post(f"/api/v1/briefings/{briefing.id}/packs", json={"title": "Theo", "embargo_mode": "briefing"})
    back = api.patch(f"/api/v1/packs/{follows.get_json()['id']}", json={"embargo_mode": "fixed",
                                                                          "embargo_until": fixed})
    assert back.status_code == 200 and back.get_json()["embargo_mode"] == "fixed"
    assert iso_utc(back.get_json()["embargo_until"]) == iso_utc(fixed)


def test_bad_embargo_choices_answer_422_naming_the_field(api, office):
    people = domain.journalists(office, 1)
    briefing = domain.adhoc(office, people)
    cases = [
        ("/api/v1/packs", {"title": "Độc lập", "embargo_mode": "briefing"}, "embargo_mode"),
        (f"/api/v1/briefings/{briefing.id}/packs", {"title": "X", "embargo_mode": "sometimes"}, "embargo_mode"),
        (f"/api/v1/briefings/{briefing.id}/packs", {"title": "X", "embargo_mode": "briefing",
                                                    "embargo_offset_minutes": -5}, "embargo_offset_minutes"),
        (f"/api/v1/briefings/{briefing.id}/packs", {"title": "X", "embargo_offset_minutes": "nửa giờ"},
         "embargo_offset_minutes"),
        (f"/api/v1/briefings/{briefing.id}/packs", {"title": "X", "embargo_mode": "briefing",
                                                    "embargo_until": "2030-01-01T10:00:00+07:00"}, "embargo_until"),
    ]
    for path, body, field in cases:
        response = api.post(path, json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["error"]["fields"], (body, response.get_json())
    assert db.session.scalar(select(func.count(Pack.id))) == 0


def test_pack_form_offers_the_choice_and_the_page_says_it_in_words(client, auth, admin, office):
    people = domain.journalists(office, 1)
    start = (datetime.now(UTC) + timedelta(days=4)).replace(hour=8, minute=0, second=0, microsecond=0)
    briefing = domain.adhoc(office, people, start=start, title="Họp báo thường kỳ")
    auth.login(admin.email)
    form = client.get(f"/packs/new?briefing_id={briefing.id}").get_data(as_text=True)
    assert 'name="embargo_mode"' in form and 'name="embargo_offset_minutes"' in form
    bad = client.post("/packs/new", data={"title": "Độc lập", "briefing_id": "", "language": "vi",
                                          "embargo_mode": "briefing", "embargo_offset_minutes": "0"})
    assert bad.status_code == 422
    assert "Lệnh cấm theo buổi họp báo cần tài liệu gắn với một buổi họp báo." in bad.get_data(as_text=True)
    saved = client.post("/packs/new", data={"title": "Tài liệu họp báo", "briefing_id": str(briefing.id),
                                            "language": "vi", "embargo_mode": "briefing",
                                            "embargo_offset_minutes": "0"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    local = start.astimezone(domain.VN)
    assert "Cấm đăng tải đến khi buổi họp báo “Họp báo thường kỳ” bắt đầu" in page
    assert f"{local:%d/%m/%Y}" in page and "15:00" in page  # 08:00 UTC is 15:00 in Hà Nội
    english = client.get(saved.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Embargoed until the briefing" in english
    edit = client.get(saved.headers["Location"] + "/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="briefing"', edit)
    pack_id = int(saved.headers["Location"].rstrip("/").split("/")[-1])
    assert db.session.get(Pack, pack_id).embargo_until == start
