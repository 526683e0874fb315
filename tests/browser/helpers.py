"""What the browser tests share: a small believable office, the crawler, and the page checks
(horizontal scrolling, English words left on Vietnamese pages, axe-core, field errors)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

from playwright.sync_api import Page

from tests.support import domain

# --- a small office with something on every page ---------------------------------------------------

@dataclass
class Office:
    office: object
    admin: object
    people: list
    series: object
    crisis: object
    extra: dict = field(default_factory=dict)


def seed_office(make_user, office, *, run_worker=None, env: dict | None = None) -> Office:
    """Outlets, beats, journalists, a list, a weekly series, a crisis briefing, a closure, an API token,
    another staff member and (with ``run_worker``) the invitations mailed for them."""
    from coordinator.contacts import operations as contacts
    from coordinator.extensions import db
    from coordinator.schedule import operations as schedule
    from coordinator.users.operations import create_api_token

    admin = make_user(office, "admin", email="admin@quangninh.gov.vn", full_name="Trần Quốc Việt")
    make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn", full_name="Nguyễn Thị Hạnh")
    contacts.create_beat(office.id, "Kinh tế")
    contacts.create_beat(office.id, "Du lịch")
    db.session.commit()
    domain.outlet(office, "Đài Phát thanh và Truyền hình Quảng Ninh", kind="tv", level="provincial")
    people = domain.journalists(office, 3, beats=["Kinh tế"])
    people += domain.journalists(office, 1, prefix="en", language="en", beats=["Du lịch"])
    dl = contacts.create_list(office.id, {"name": "Báo chí tỉnh", "description": "Các cơ quan báo chí của tỉnh",
                                          "member_ids": [p.id for p in people[:2]]})
    db.session.commit()
    series = domain.weekly_series(office, people[:3], lead_days=14, title="Họp báo định kỳ chiều thứ Ba")
    crisis = domain.adhoc(office, people[:3], crisis=True, start=datetime.now(UTC) + timedelta(hours=1),
                          title="Họp báo khẩn về mưa lũ")
    next_year = datetime.now(UTC).year + 1
    schedule.add_closure(office, datetime(next_year, 1, 2).date(), "Nghỉ bù Tết Dương lịch")
    create_api_token(admin, "Cổng thông tin điện tử tỉnh")
    db.session.commit()
    past = domain.adhoc(office, people[:3], start=datetime.now(UTC) - timedelta(days=3),
                        title="Họp báo kết quả phát triển kinh tế – xã hội quý III")
    seed_packs_and_attendance(office, people)
    from tests.support.network import seed_network  # a point office, a multi-point briefing, shared contacts

    seed_network(office, people)
    from tests.support.monitoring import seed_monitoring  # feeds with health, articles waiting for review

    seed_monitoring(office, past)
    from tests.support.policies import seed_policies  # a plan, a draft open for comments, a linked briefing

    seed_policies(office, people, past)
    if run_worker is not None:
        run_worker(env)
    return Office(office, admin, people, series, crisis, {"list": dl, "past": past})


def seed_packs_and_attendance(office, people) -> None:
    """Attendance, questions and coverage of the past briefing (the demo loader), the demo packs (released,
    a correction, one under embargo) sent to the first journalist, and a draft and a submitted pack."""
    from sqlalchemy import select

    from coordinator.attendance.demo import load_attendance_demo
    from coordinator.extensions import db
    from coordinator.packs import operations as packs
    from coordinator.packs.demo import demo_pdf, load_packs_demo
    from coordinator.packs.models import Pack, PackRecipient
    from coordinator.users.models import User

    load_attendance_demo(office.id)
    load_packs_demo(office.id)
    for pack in db.session.scalars(select(Pack).where(Pack.office_id == office.id, Pack.status == "released")):
        db.session.add(PackRecipient(office_id=office.id, pack_id=pack.id, root_id=pack.lineage_id,
                                     journalist_id=people[0].id, purpose="pack" if pack.version == 1 else "correction"))
    coordinator = db.session.scalar(select(User).where(User.office_id == office.id, User.role == "coordinator"))
    packs.create_pack(office, coordinator, {"title": "Thông cáo: Lễ hội Carnaval Hạ Long (bản nháp)",
                                            "summary": "Chương trình lễ hội và phân luồng giao thông."})
    submitted = packs.create_pack(office, coordinator, {
        "title": "Tài liệu: Kế hoạch chuyển đổi số năm tới", "body": "<p>Mục tiêu: <strong>100%</strong> xã, "
        "phường có dịch vụ công trực tuyến.</p>"}, [packs.Upload("Kế hoạch chuyển đổi số.pdf", demo_pdf("Ke hoach"))])
    packs.submit(submitted, coordinator)
    db.session.commit()


# --- the crawler -----------------------------------------------------------------------------------

SKIP_PATH = re.compile(
    r"(^/static/|^/logout|^/language/|\.ics$|\.png$|\.svg$|\.pdf$|\.zip$|\.xlsx$|\.csv$|/export|/vcard|/raw$|/html$|/rsvp/|"
    r"/files/\d+$|/feed\.xml$|/status\.json$|/data\.json$|/progress\.json$|^/api/|^/healthz|^/c/)")


def page_kind(path: str, query: str) -> str:
    """Pages that differ only by an id or a date count as one kind (the crawler visits a few of each)."""
    shape = re.sub(r"/\d+", "/N", path)
    shape = re.sub(r"/[A-Za-z0-9_-]{20,}(\.[a-z]+)?", "/TOKEN", shape)
    keys = sorted(k for k, _ in parse_qsl(query) if k not in ("date", "page", "series", "keep", "drop"))
    return shape + ("?" + "&".join(keys) if keys else "")


def crawl(page: Page, base: str, starts: list[str], *, per_kind: int = 2, limit: int = 150,
          on_page=None) -> list[str]:
    """GET every same-origin page reachable by links from ``starts``; never submits a form.

    ``on_page(path)`` runs on each HTML page while it is open. Returns the paths visited."""
    seen_kinds: dict[str, int] = {}
    queue = list(starts)
    visited: list[str] = []
    queued = set(queue)
    while queue and len(visited) < limit:
        path = queue.pop(0)
        parts = urlsplit(path)
        kind = page_kind(parts.path, parts.query)
        if seen_kinds.get(kind, 0) >= per_kind:
            continue
        response = page.goto(base + path)
        assert response is not None, path
        assert response.status < 500, f"GET {path} answered {response.status}"
        if response.status >= 400 or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
        visited.append(path)
        if on_page is not None:
            on_page(path)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            target = urlsplit(href)
            if f"{target.scheme}://{target.netloc}" != base or SKIP_PATH.search(target.path):
                continue
            query = urlencode(sorted(parse_qsl(target.query)))
            link = target.path + ("?" + query if query else "")
            if link not in queued:
                queued.add(link)
                queue.append(link)
    return visited


# --- checks ----------------------------------------------------------------------------------------

def horizontal_overflow(page: Page) -> str | None:
    """None when nothing scrolls sideways; otherwise the widest offending elements."""
    return page.evaluate("""() => {
      const root = document.documentElement;
      if (root.scrollWidth <= root.clientWidth) return null;
      const wide = [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
        .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                      + ' right=' + Math.round(el.getBoundingClientRect().right));
      return `scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}: ${wide.join(', ')}`;
    }""")


ENGLISH_UI_WORDS = (
    "Save", "Cancel", "Delete", "Edit", "Search", "Submit", "Login", "Log in", "Logout", "Log out", "Password",
    "Back", "Next", "Previous", "Name", "Status", "Date", "Actions", "Settings", "Upload", "Download", "Export",
    "Import", "Filter", "Total", "None", "True", "False", "Yes", "Loading", "Create", "Update", "Remove",
    "Add", "Close", "Open", "Email address", "Required", "This field is required", "Not a valid", "Invalid",
    "Choose", "Select", "Home", "Today", "Week", "Month", "Menu", "Help", "Sign in",
)
# "No" is a word in Vietnamese too ("no" = full), so it counts only capitalised.
CASE_SENSITIVE_WORDS = ("No",)

# The visible text of a page, without what is marked as user data or code (docs/architecture.md,
# "UI conventions"): [translate="no"], an element in another language ([lang] not vi), code, pre, kbd, samp.
VISIBLE_UI_TEXT = """() => {
  const skip = el => el.closest('[translate="no"], code, pre, kbd, samp, script, style, noscript, template')
                  || (el.closest('[lang]') && !el.closest('[lang]').lang.startsWith('vi'));
  const shown = el => el.checkVisibility ? el.checkVisibility() : !!el.offsetParent;
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || skip(el) || !shown(el) || !node.textContent.trim()) continue;
    out.push(node.textContent.trim());
  }
  const labelled = '[placeholder], [aria-label], [title], img[alt], input[type=submit], input[type=button]';
  for (const el of document.querySelectorAll(labelled)) {
    if (skip(el)) continue;
    for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
    if (el.tagName === 'INPUT' && (el.type === 'submit' || el.type === 'button') && el.value) out.push(el.value);
  }
  out.push(document.title);
  return out;
}"""


def english_words(page: Page) -> list[str]:
    texts = page.evaluate(VISIBLE_UI_TEXT)
    found = []
    for text in texts:
        for word in ENGLISH_UI_WORDS:
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, flags=re.IGNORECASE):
                found.append(f"{word!r} in {text[:80]!r}")
        for word in CASE_SENSITIVE_WORDS:
            if re.search(rf"(?<![\w-]){word}(?![\w-])", text):
                found.append(f"{word!r} in {text[:80]!r}")
    return found


def axe_violations(page: Page, axe_source: str) -> list[str]:
    """Serious and critical axe-core violations of the open page (axe injected through the DevTools
    protocol, which the page's CSP does not apply to)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
        `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | '));
    }""")
    return list(result)


FIELD_ERRORS = """() => {
  const problems = [];
  const errors = [...document.querySelectorAll('.field__error')].filter(e => e.checkVisibility());
  for (const error of errors) {
    if (!error.id) { problems.push(`error without id: ${error.textContent.trim()}`); continue; }
    const controls = [...document.querySelectorAll('[aria-describedby]')]
      .filter(c => c.getAttribute('aria-describedby').split(/\\s+/).includes(error.id));
    if (!controls.length) {
      problems.push(`no field is described by #${error.id}: ${error.textContent.trim()}`);
      continue;
    }
    const box = error.closest('.field, fieldset');
    if (!box || !controls.some(c => box.contains(c)))
      problems.push(`#${error.id} is not next to its field: ${error.textContent.trim()}`);
  }
  const invalid = [...document.querySelectorAll('[aria-invalid="true"]')]
    .filter(c => !c.getAttribute('aria-describedby'));
  for (const c of invalid) problems.push(`invalid field ${c.name} has no described error`);
  return {count: errors.length, problems};
}"""


def field_errors(page: Page) -> dict:
    return page.evaluate(FIELD_ERRORS)
