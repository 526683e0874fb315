"""Tone proposed for every article: the shipped model measured on the held-out headlines, a proposal stored
with each new article (and for older ones by the job), staff's one-click answer (audited, kept as a label),
the office's model retrained by a real worker from its own labels only, and the global fallback."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Outlet
from coordinator.core import tasks
from coordinator.core.audit import AuditLog
from coordinator.extensions import db
from coordinator.monitoring import operations as ops
from coordinator.monitoring import tone
from coordinator.monitoring.models import ArticleTone, FeedItem, MatchProposal, ToneModel
from coordinator.monitoring.parsing import ParsedFeed, ParsedItem
from tests.support import domain
from tests.support.processes import run_burst_worker

DATA = Path(__file__).parent / "fixtures" / "tone" / "headlines.tsv"
ROWS = tone.read_labelled(DATA)
FLOOR_MACRO_F1 = 0.75  # measured: 0.80 (accuracy 0.80) on the 100 held-out headlines


@pytest.mark.db_independent
def test_shipped_model_on_the_heldout_headlines():
    assert len(ROWS) >= 400 and {r["split"] for r in ROWS} == {"train", "office", "heldout"}
    kinds = {r["kind"] for r in ROWS}
    assert {"irony", "negation", "quoted", "posneg"} <= kinds
    heldout = tone.examples(ROWS, "heldout")
    result = tone.evaluate(tone.global_model(), heldout)
    print(f"\nheld-out n={result['n']} accuracy={result['accuracy']} macro-F1={result['macro_f1']}")
    print("confusion (rows true, columns predicted):", result["confusion"])
    assert result["n"] == 100
    assert result["macro_f1"] >= FLOOR_MACRO_F1 and result["accuracy"] >= FLOOR_MACRO_F1
    # The shipped file is what the script trains from the train split: nothing else went into it.
    again = tone.train(tone.examples(ROWS, "train"), "global-1")
    assert again.counts == tone.global_model().counts and again.docs == tone.global_model().docs


@pytest.mark.db_independent
def test_negation_and_scare_quotes_are_features():
    keys = {f.key for f in tone.features("Giá rau không hề tăng", "Không còn cảnh ùn tắc giờ cao điểm")}
    assert "u:¬tăng" in keys and "u:tăng" not in keys  # "không hề" negates the next syllables
    assert "L:¬neg" in keys  # "ùn tắc" after "không còn": a negative word negated
    assert "u:¬khí" not in {f.key for f in tone.features("Không khí lạnh tăng cường")}  # the air is not a negation
    assert "L:~pos" in {f.key for f in tone.features('Bệnh viện "hiện đại" nhưng thiếu bác sĩ')}
    prediction = tone.predict(tone.global_model(), "Bão số 3 làm hơn 2.000 ngôi nhà tốc mái, hai người tử vong")
    assert prediction.tone == "negative" and 0.34 < prediction.confidence <= 1
    assert any(p["text"] in ("tử vong", "tốc mái") for p in prediction.phrases)


# --- the office's articles ---------------------------------------------------------------------------

def _outlet(office, host: str = "baotinh.test"):
    return contacts.create_outlet(office.id, {"name": f"Báo {host}", "kind": "newspaper", "level": "provincial",
                                              "domains": [host]})


def _articles(office, rows: list[dict], *, propose: bool = True) -> list[FeedItem]:
    outlet = db.session.scalar(select(Outlet).where(Outlet.office_id == office.id)) or \
        _outlet(office, f"{office.slug}.test")
    now = datetime.now(UTC)
    items = []
    for row in rows:
        n = db.session.scalar(select(func.count()).select_from(FeedItem))
        item = FeedItem(office_id=office.id, outlet_id=outlet.id, url=f"https://{office.slug}.test/tin/{n}",
                        link=f"https://{office.slug}.test/tin/{n}", title=row["title"], summary=row["lead"],
                        text="", published_at=now - timedelta(hours=n))
        db.session.add(item)
        db.session.flush()
        if propose:
            ops.propose_tone(item)
        items.append(item)
    db.session.commit()
    return items


def _label_all(items: list[FeedItem], labels) -> None:
    for item in items:
        ops.label_item(item, labels(item))
    db.session.commit()


def test_new_feed_item_is_stored_with_a_proposed_tone(app, office):
    outlet = _outlet(office)
    feed = ops.add_feed(outlet, {"url": "http://baotinh.test/rss", "interval_minutes": 15})
    parsed = ParsedFeed(title="Báo tỉnh", version="rss20", items=[
        ParsedItem(title="Lũ quét cuốn trôi cầu treo, hai người mất tích", link="http://baotinh.test/tin/lu",
                   guid=None, summary="Mưa lớn gây sạt lở nghiêm trọng, nhiều hộ dân bị cô lập.", content="",
                   published=datetime.now(UTC) - timedelta(hours=1)),
        ParsedItem(title="Tỉnh hoàn thành sớm cao tốc, người dân phấn khởi", link="http://baotinh.test/tin/cao-toc",
                   guid=None, summary="Tuyến đường thông xe sớm hơn kế hoạch ba tháng.", content="",
                   published=datetime.now(UTC) - timedelta(hours=2))])
    created = ops.store_items(feed, parsed)
    db.session.commit()
    tones = {i.url.rsplit("/", 1)[1]: db.session.scalar(select(ArticleTone).where(ArticleTone.item_id == i.id))
             for i in created}
    assert tones["lu"].proposed == "negative" and tones["cao-toc"].proposed == "positive"
    for row in tones.values():
        assert row.model_version == "global-1" and 0.34 < row.confidence <= 1 and row.phrases
        assert row.label is None and row.office_id == office.id
    assert {"mất tích", "sạt lở"} & {p["text"] for p in tones["lu"].phrases}


def test_one_click_accept_and_correct_are_labels_and_audited(app, office, other_office, admin, make_user, auth,
                                                             client):
    item = _articles(office, [{"title": "Giá xăng tăng lần thứ ba liên tiếp, người dân lo chi phí leo thang",
                               "lead": "Nhiều tài xế cho biết thu nhập giảm rõ rệt."}])[0]
    assert item.tone.proposed == "negative"
    auth.login(admin.email)
    page = client.get(f"/coverage/articles/{item.id}").get_data(as_text=True)
    assert "Sắc thái đề xuất" in page and "Đúng: Tiêu cực" in page and "leo thang" in page

    # A wrong value changes nothing and says why.
    refused = client.post(f"/coverage/articles/{item.id}/tone", data={"tone": "rất tốt"}, follow_redirects=True)
    assert "Sắc thái phải là một trong" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert item.tone.label is None

    assert client.post(f"/coverage/articles/{item.id}/tone", data={"tone": "negative"}).status_code == 302
    db.session.expire_all()
    assert (item.tone.label, item.tone.label_source) == ("negative", "accepted")
    assert client.post(f"/coverage/articles/{item.id}/tone", data={"tone": "neutral"}).status_code == 302
    db.session.expire_all()
    assert (item.tone.label, item.tone.label_source, item.tone.labelled_by_id) == ("neutral", "corrected", admin.id)
    assert item.tone.proposed == "negative"  # the proposal is kept next to the label
    audits = list(db.session.scalars(select(AuditLog).where(AuditLog.target_type == "article_tone")
                                     .order_by(AuditLog.id)))
    assert [a.action for a in audits] == ["tone.accepted", "tone.corrected"]
    assert audits[1].actor_user_id == admin.id and audits[1].office_id == office.id
    assert audits[1].data["proposed"] == "negative" and audits[1].data["label"] == "neutral"
    assert audits[1].data["previous_label"] == "negative"
    page = client.get(f"/coverage/articles/{item.id}").get_data(as_text=True)
    assert "đã sửa (đề xuất: Tiêu cực)" in page

    # Another office's article answers 404; a viewer cannot label.
    foreign = _articles(other_office, [{"title": "Tin của Hà Nội", "lead": ""}])[0]
    assert client.get(f"/coverage/articles/{foreign.id}").status_code == 404
    assert client.post(f"/coverage/articles/{foreign.id}/tone", data={"tone": "positive"}).status_code == 404
    auth.logout()
    viewer = make_user(office, "viewer")
    auth.login(viewer.email)
    assert client.post(f"/coverage/articles/{item.id}/tone", data={"tone": "positive"}).status_code == 403
    db.session.expire_all()
    assert item.tone.label == "neutral"


def test_queue_shows_the_tone_and_confirming_with_a_tone_labels_the_article(app, office, admin, auth, client):
    people = domain.journalists(office, 1)
    start = datetime.now(UTC) - timedelta(days=1)
    domain.adhoc(office, people, start=start, title="Họp báo về phòng chống sạt lở tại huyện Bình Liêu")
    db.session.commit()
    item = FeedItem(office_id=office.id, outlet_id=people[0].outlet_id, url="https://baotinh.test/tin/sat-lo",
                    link="https://baotinh.test/tin/sat-lo", text="", published_at=start + timedelta(hours=2),
                    title="Sạt lở nghiêm trọng tại huyện Bình Liêu, hai người mất tích",
                    summary="Phòng chống sạt lở tại huyện Bình Liêu gặp khó vì mưa lớn kéo dài.")
    db.session.add(item)
    db.session.flush()
    ops.propose_tone(item)
    ops.match_item(item)
    db.session.commit()
    proposal = db.session.scalar(select(MatchProposal).where(MatchProposal.item_id == item.id))
    assert proposal is not None
    auth.login(admin.email)
    page = client.get("/coverage/proposals").get_data(as_text=True)
    assert f'id="article-tone-{item.id}-{proposal.id}"' in page and "Đúng: Tiêu cực" in page and "mất tích" in page
    assert client.post(f"/coverage/proposals/{proposal.id}/confirm", data={"tone": "neutral"}).status_code == 302
    db.session.expire_all()
    assert (item.tone.label, item.tone.label_source) == ("neutral", "corrected")
    assert proposal.coverage_id is not None


def test_api_accepts_or_corrects_with_an_error_envelope(app, office, other_office, api):
    item = _articles(office, [{"title": "Bệnh viện tỉnh thực hiện thành công ca ghép thận đầu tiên",
                               "lead": "Bệnh nhân hồi phục tốt."}])[0]
    shown = api.get(f"/api/v1/feed-items/{item.id}").get_json()
    assert shown["tone"]["proposed"] == "positive" and shown["tone"]["label"] is None
    bad = api.post(f"/api/v1/feed-items/{item.id}/tone", json={"tone": "great"})
    assert bad.status_code == 422 and "tone" in bad.get_json()["error"]["fields"]
    db.session.expire_all()
    assert item.tone.label is None
    accepted = api.post(f"/api/v1/feed-items/{item.id}/tone", json={"accept": True})
    assert accepted.status_code == 200 and accepted.get_json()["tone"]["label_source"] == "accepted"
    corrected = api.post(f"/api/v1/feed-items/{item.id}/tone", json={"tone": "neutral"}).get_json()
    assert (corrected["tone"]["label"], corrected["tone"]["label_source"]) == ("neutral", "corrected")
    foreign = _articles(other_office, [{"title": "Tin khác", "lead": ""}])[0]
    assert api.post(f"/api/v1/feed-items/{foreign.id}/tone", json={"tone": "neutral"}).status_code == 404
    models = api.get("/api/v1/tone-models").get_json()
    assert models == {"using": "global-1", "labels": 1, "items": []}


def test_too_few_labels_keep_the_global_model(app, office):
    items = _articles(office, ROWS[:10])
    _label_all(items, lambda item: "negative")
    assert ops.retrain(office.id) is None and not ops.due_for_retraining(office.id)
    assert ops.model_for(office.id) is tone.global_model()
    assert db.session.scalar(select(ToneModel)) is None


def test_worker_retrains_from_the_office_labels_only(app, app_env, office, other_office):
    # This office says "negative" of everything (its own convention); the other office corrects its
    # articles the opposite way. Each office's model may learn only from its own labels.
    office_rows = [r for r in ROWS if r["split"] == "office"]
    mine = _articles(office, office_rows[:45])
    _label_all(mine, lambda item: "negative")
    theirs = _articles(other_office, office_rows[45:70])
    _label_all(theirs, lambda item: "positive")
    later = _articles(office, office_rows[70:75], propose=False)  # stored before tone existed

    tasks.enqueue("monitoring.tone_due")
    run_burst_worker(app_env, timeout=120)
    db.session.expire_all()

    assert all(item.tone is not None and item.tone.model_version == "global-1" for item in later)  # backfilled
    row = db.session.scalar(select(ToneModel).where(ToneModel.office_id == office.id))
    assert row is not None and row.version == 1 and row.labels == 45
    assert row.heldout_size == len([i for i in mine if i.id % 5 == 0]) > 0
    assert row.train_size + row.heldout_size == 45 and row.accuracy > row.global_accuracy
    assert row.active and row.counts["docs"] == [0.0, 0.0, float(row.train_size)]  # its own labels, nothing else
    # Too few labels over there (25 < 30): no model, the global one proposes.
    assert db.session.scalar(select(ToneModel).where(ToneModel.office_id == other_office.id)) is None
    assert ops.model_for(other_office.id) is tone.global_model()

    # The office's model now proposes for it (and only for it).
    fresh = _articles(office, [{"title": "Tỉnh thu hút 1,2 tỷ USD vốn đầu tư nước ngoài, vượt kế hoạch",
                                "lead": "Nhiều dự án lớn được cấp phép."}])[0]
    assert fresh.tone.model_version == row.name == f"office-{office.id}-v1"
    other_fresh = _articles(other_office, [{"title": "Tỉnh thu hút vốn đầu tư, vượt kế hoạch", "lead": ""}])[0]
    assert other_fresh.tone.model_version == "global-1"

    # Nothing new: the next run trains nothing.
    tasks.enqueue("monitoring.tone_due")
    run_burst_worker(app_env, timeout=120)
    db.session.expire_all()
    assert db.session.scalar(select(ToneModel.version).where(ToneModel.office_id == office.id)
                             .order_by(ToneModel.version.desc())) == 1


def test_an_office_model_worse_than_the_global_is_not_used(app, office):
    rows = [r for r in ROWS if r["split"] == "heldout"][:40]
    truth = {}
    items = _articles(office, rows)
    for item, row in zip(items, rows, strict=True):
        truth[item.id] = row["tone"]
    # Trained on wrong labels, measured on right ones: worse than the global model.
    wrong = {"positive": "negative", "negative": "neutral", "neutral": "positive"}
    _label_all(items, lambda item: truth[item.id] if item.id % 5 == 0 else wrong[truth[item.id]])
    row = ops.retrain(office.id)
    db.session.commit()
    assert row is not None and row.accuracy < row.global_accuracy and not row.active
    assert ops.model_for(office.id) is tone.global_model()


def test_every_article_is_listed_with_its_tone_and_filtered(app, office, other_office, admin, auth, client):
    flood, fee, notice = _articles(office, [
        {"title": "Lũ quét cuốn trôi cầu treo, hai người mất tích", "lead": "Nhiều hộ dân bị cô lập."},
        {"title": "Phí trông giữ xe tăng gấp ba, người dân phản đối", "lead": "Người dân bức xúc."},
        {"title": "Tỉnh công bố lịch nghỉ Tết của kho bạc", "lead": "Giao dịch tạm dừng từ ngày 28 tháng Chạp."}])
    foreign = _articles(other_office, [{"title": "Sạt lở ở Hà Giang, hai người tử vong", "lead": ""}])[0]
    ops.label_item(fee, "neutral")  # staff's label wins over the proposal in the list and its filter
    db.session.commit()
    assert (flood.tone.proposed, fee.tone.proposed) == ("negative", "negative")
    auth.login(admin.email)
    everything = client.get("/coverage/articles").get_data(as_text=True)
    assert all(i.title in everything for i in (flood, fee, notice)) and foreign.title not in everything
    negative = client.get("/coverage/articles?tone=negative").get_data(as_text=True)
    assert flood.title in negative and fee.title not in negative and notice.title not in negative
    neutral = client.get("/coverage/articles?tone=neutral").get_data(as_text=True)
    assert fee.title in neutral and "đã xác nhận" in neutral
    unanswered = client.get("/coverage/articles?unanswered=1").get_data(as_text=True)
    assert flood.title in unanswered and fee.title not in unanswered
    assert client.get("/coverage/articles?tone=tuyet-voi").status_code == 200  # an unknown tone filters nothing
