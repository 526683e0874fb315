"""The public newsroom: released packs only (a crawler follows every link and finds nothing
unreleased or embargoed), search without diacritics, a valid Atom feed, the public-page switch."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

from sqlalchemy import update

from coordinator.extensions import db
from coordinator.packs import operations as ops
from coordinator.packs.models import Pack
from jobs.packs import release_due
from tests.support import domain
from tests.support import packs as files

ATOM = "{http://www.w3.org/2005/Atom}"


def build_office(office, make_user):
    author = make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn")
    approver = make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn")
    people = domain.journalists(office, 1)
    briefing = domain.adhoc(office, people, title="Họp báo định kỳ tháng 11")
    made = {}

    def pack(name, **kwargs):
        return files.make_pack(office, author, title=name, files=[(f"{name}.pdf", files.pdf(name))], **kwargs)

    made["draft"] = pack("NHAP Bản nháp")
    made["submitted"] = pack("CHODUYET Chờ duyệt")
    ops.submit(made["submitted"], author)
    made["approved"] = pack("DADUYET Đã duyệt chưa phát hành",
                            release_at=(datetime.now(UTC) + timedelta(days=3)).isoformat())
    ops.submit(made["approved"], author)
    ops.approve(made["approved"], approver)
    made["embargoed"] = pack("CAMDANG Gửi kèm lệnh cấm", briefing=briefing, send_under_embargo=True,
                             embargo_until=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    ops.submit(made["embargoed"], author)
    ops.approve(made["embargoed"], approver)
    made["released"] = pack("Thông cáo về phòng chống dịch bệnh", summary="Sở Y tế khuyến cáo người dân",
                            briefing=briefing)
    ops.submit(made["released"], author)
    ops.approve(made["released"], approver)
    db.session.commit()
    for key in ("embargoed", "released"):
        assert release_due(made[key].id) == "released"
    # A released pack whose correction is still a draft: only the released version is public.
    made["correction_draft"] = ops.update_pack(db.session.get(Pack, made["released"].id), author,
                                               {"title": "BANNHAPDINHCHINH Đính chính chưa duyệt"})
    db.session.commit()
    return made


def crawl(client, start: str) -> dict[str, tuple[int, str, bytes]]:
    seen: dict[str, tuple[int, str, bytes]] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        path = urlsplit(url)._replace(scheme="", netloc="").geturl()
        if path in seen or not path.startswith("/newsroom/"):
            continue
        response = client.get(path)
        seen[path] = (response.status_code, response.headers.get("Content-Type", ""), response.data)
        if response.mimetype in ("text/html", "application/atom+xml"):
            text = response.get_data(as_text=True)
            for href in re.findall(r'href="([^"]+)"', text):
                queue.append(urljoin(path, href.replace("&amp;", "&")))
    return seen


def test_crawl_finds_only_released_packs(app, client, office, make_user):
    made = build_office(office, make_user)
    pages = crawl(client, f"/newsroom/{office.slug}")
    assert all(status == 200 for status, _, _ in pages.values()), {p: s for p, (s, _, _) in pages.items()}
    everything = b"".join(body for _, _, body in pages.values()).decode("utf-8", "replace")
    for marker in ("NHAP", "CHODUYET", "DADUYET", "CAMDANG", "BANNHAPDINHCHINH"):
        assert marker not in everything, marker
    assert "Thông cáo về phòng chống dịch bệnh" in everything
    visible_ids = {int(m) for m in re.findall(r"/packs/(\d+)", " ".join(pages))}
    assert visible_ids == {made["released"].id}
    downloads = [p for p, (_, kind, _) in pages.items() if "/files/" in p]
    assert len(downloads) == 1 and pages[downloads[0]][1] == "application/pdf"
    # Guessing the other ids gives nothing either.
    for key in ("draft", "submitted", "approved", "embargoed", "correction_draft"):
        pack = made[key]
        assert client.get(f"/newsroom/{office.slug}/packs/{pack.id}").status_code == 404
        status = client.get(f"/newsroom/{office.slug}/packs/{pack.id}/files/{pack.files[0].id}").status_code
        assert status in (403, 404)


def test_search_ignores_diacritics_and_case(client, office, make_user):
    build_office(office, make_user)
    for query in ("phong chong dich", "PHÒNG CHỐNG", "so y te khuyen cao"):
        body = client.get(f"/newsroom/{office.slug}", query_string={"q": query}).get_data(as_text=True)
        assert "Thông cáo về phòng chống dịch bệnh" in body, query
    body = client.get(f"/newsroom/{office.slug}", query_string={"q": "bão lũ"}).get_data(as_text=True)
    assert "Thông cáo về phòng chống dịch bệnh" not in body and "Không tìm thấy" in body
    hidden = client.get(f"/newsroom/{office.slug}", query_string={"q": "CHODUYET"}).get_data(as_text=True)
    assert "/packs/" not in hidden and "Không tìm thấy" in hidden


def test_feed_is_valid_atom_and_escaped(client, office, make_user):
    made = build_office(office, make_user)
    db.session.execute(update(Pack).where(Pack.id == made["released"].id)
                       .values(title="Thông cáo <script>alert(1)</script> & “trích dẫn”"))
    db.session.commit()
    response = client.get(f"/newsroom/{office.slug}/feed.xml")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}title").text == "Thông cáo <script>alert(1)</script> & “trích dẫn”"
    assert b"<script>" not in response.data
    enclosure = [link for link in entries[0].findall(f"{ATOM}link") if link.get("rel") == "enclosure"]
    assert enclosure and enclosure[0].get("type") == "application/pdf"
    assert enclosure[0].get("href").startswith("http://briefings.test/newsroom/quang-ninh/packs/")


def test_title_with_script_is_escaped_on_pages(client, office, make_user):
    made = build_office(office, make_user)
    db.session.execute(update(Pack).where(Pack.id == made["released"].id)
                       .values(title="<script>alert('x')</script>Tin"))
    db.session.commit()
    for path in (f"/newsroom/{office.slug}", f"/newsroom/{office.slug}/packs/{made['released'].id}"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in body and "&lt;script&gt;alert" in body


def test_public_page_off_and_unknown_office(client, office, make_user):
    build_office(office, make_user)
    office.public_page = False
    db.session.commit()
    assert client.get(f"/newsroom/{office.slug}").status_code == 404
    assert client.get(f"/newsroom/{office.slug}/feed.xml").status_code == 404
    assert client.get("/newsroom/khong-co").status_code == 404


def test_other_offices_packs_are_not_in_this_newsroom(client, office, other_office, make_user):
    made = build_office(office, make_user)
    pack = made["released"]
    assert client.get(f"/newsroom/{other_office.slug}/packs/{pack.id}").status_code == 404
    assert client.get(f"/newsroom/{other_office.slug}/packs/{pack.id}/files/{pack.files[0].id}").status_code == 404
    assert "phòng chống dịch" not in client.get(f"/newsroom/{other_office.slug}").get_data(as_text=True)


def test_embargoed_pack_appears_once_lifted(client, office, make_user):
    made = build_office(office, make_user)
    db.session.execute(update(Pack).where(Pack.id == made["embargoed"].id)
                       .values(embargo_until=datetime.now(UTC) - timedelta(minutes=1)))
    db.session.commit()
    body = client.get(f"/newsroom/{office.slug}").get_data(as_text=True)
    assert "CAMDANG Gửi kèm lệnh cấm" in body
    pack = made["embargoed"]
    response = client.get(f"/newsroom/{office.slug}/packs/{pack.id}/files/{pack.files[0].id}")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")


def test_newsroom_offers_the_office_calendar_to_subscribe(client, office):
    """Issue 19.10: webcal, Google and Outlook links to the office's public feed, on every newsroom page."""
    from html import unescape
    from urllib.parse import parse_qs, unquote

    body = client.get(f"/newsroom/{office.slug}").get_data(as_text=True)
    links = dict(re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', body.split('id="newsroom-calendar"')[1]
                            .split("</p>")[0]))
    by_label = {label: unescape(href) for href, label in links.items()}
    feed = f"/calendar/{office.slug}.ics"
    webcal = by_label["Đăng ký (webcal)"]
    assert webcal.startswith("webcal://") and webcal.endswith(feed)
    assert client.get(urlsplit(webcal).path).status_code == 200
    google = urlsplit(by_label["Thêm vào Google Calendar"])
    assert google.netloc == "calendar.google.com" and parse_qs(google.query)["cid"] == [webcal]
    outlook = urlsplit(by_label["Thêm vào Outlook"])
    assert outlook.netloc == "outlook.live.com"
    assert unquote(parse_qs(outlook.query)["url"][0]).endswith(feed)
    english = client.get(f"/newsroom/{office.slug}?lang=en").get_data(as_text=True)
    assert "Follow the briefing calendar:" in english and "Add to Google Calendar" in english
