"""Quality bars over every page an admin and a journalist can reach (found by following links, GET only):
no horizontal scrolling at 390 px, no English UI words left on Vietnamese pages, no serious or critical
axe-core violations; every create form shows its errors next to the field; and a screenshot of each
page in Vietnamese and English, on a desktop and a phone."""
from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import axe_violations, crawl, english_words, field_errors, horizontal_overflow, seed_office
from tests.conftest import DEFAULT_PASSWORD
from tests.support.processes import run_burst_worker

pytestmark = pytest.mark.browser

CREATE_PAGES = [
    "/admin/staff", "/admin/tokens", "/contacts/journalists/new", "/contacts/outlets/new", "/contacts/lists/new",
    "/contacts/beats", "/contacts/import", "/schedule/series/new", "/schedule/briefings/new", "/schedule/crisis",
    "/schedule/closures",
]


@pytest.fixture
def seeded(app, app_env, office, make_user, live_server):
    return seed_office(make_user, office, run_worker=run_burst_worker, env=app_env)


def login(page, server, email="admin@quangninh.gov.vn"):
    page.goto(server("/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(server("/"))


def journalist_starts(app, seeded) -> list[str]:
    from sqlalchemy import select

    from coordinator.extensions import db
    from coordinator.invitations.models import Invitation
    from coordinator.invitations.tokens import invitation_token, portal_token

    person = seeded.people[0]
    invitations = list(db.session.scalars(select(Invitation).where(Invitation.journalist_id == person.id)))
    assert invitations, "the worker should have invited the journalist"
    first = invitation_token(invitations[0])
    return [f"/portal/{portal_token(person)}", *(f"/i/{invitation_token(i)}" for i in invitations), "/portal",
            "/login", f"/i/{first}/questions", f"/i/{first}/checkin", f"/newsroom/{seeded.office.slug}"]


def question_token(seeded) -> str:
    """The first journalist's invitation to the upcoming crisis briefing (its question form is open)."""
    from sqlalchemy import select

    from coordinator.extensions import db
    from coordinator.invitations.models import Invitation
    from coordinator.invitations.tokens import invitation_token

    invitation = db.session.scalar(select(Invitation).where(Invitation.journalist_id == seeded.people[0].id,
                                                            Invitation.briefing_id == seeded.crisis.id))
    return invitation_token(invitation)


def starts_for(role, app, seeded, page, live_server) -> list[str]:
    if role == "admin":
        login(page, live_server)
        return ["/"]
    return journalist_starts(app, seeded)


@pytest.mark.parametrize("role", ["admin", "journalist"])
def test_every_page_meets_the_quality_bars(role, app, seeded, live_server, new_context, shots, axe_source):
    page = new_context(viewport=PHONE).new_page()
    problems: dict[str, list[str]] = {"horizontal scrolling at 390 px": [], "English UI text": [],
                                      "axe-core serious/critical": []}

    def check(path: str) -> None:
        shots.take(page, path)
        overflow = horizontal_overflow(page)
        if overflow:
            problems["horizontal scrolling at 390 px"].append(f"{path}: {overflow}")
        problems["English UI text"] += [f"{path}: {w}" for w in english_words(page)]
        problems["axe-core serious/critical"] += [f"{path}: {v}" for v in axe_violations(page, axe_source)]

    visited = crawl(page, live_server.url, starts_for(role, app, seeded, page, live_server), on_page=check)
    assert len(visited) >= (25 if role == "admin" else 4), visited
    report = "\n".join(f"{bar}:\n  " + "\n  ".join(found) for bar, found in problems.items() if found)
    assert not report, report


@pytest.mark.parametrize("role", ["admin", "journalist"])
def test_screenshots_in_both_languages_and_widths(role, app, seeded, live_server, new_context, shots):
    """Every page in vi and en, 1280 px and 390 px, for people to look at; English pages must not
    scroll sideways either."""
    page = new_context(viewport=DESKTOP).new_page()
    paths = crawl(page, live_server.url, starts_for(role, app, seeded, page, live_server))
    overflowing = []
    for lang in ("vi", "en"):
        page.goto(live_server(paths[0]))
        if page.get_attribute("html", "lang") != lang:
            page.locator("form[action*='/language/'] button").click()
            page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == lang
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            for path in paths:
                response = page.goto(live_server(path))
                assert response is not None and response.ok, path
                shots.take(page, f"{lang}-{width}-{path}")
                if width == "phone" and (overflow := horizontal_overflow(page)):
                    overflowing.append(f"{lang} {path}: {overflow}")
    assert not overflowing, "\n".join(overflowing)


def test_create_forms_show_errors_next_to_fields(seeded, live_server, new_context, shots):
    page = new_context(viewport=PHONE).new_page()
    problems = []
    # the login form, before logging in
    page.goto(live_server("/login"))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    shots.take(page, "login-errors")
    result = field_errors(page)
    if not result["count"] or result["problems"]:
        problems.append(f"/login: {result}")
    login(page, live_server)
    past, crisis = seeded.extra["past"].id, seeded.crisis.id
    forms = [(path, None) for path in CREATE_PAGES] + [
        ("/packs/new", None),
        ("/attendance/coverage", "form[action$='/attendance/coverage']"),
        (f"/attendance/briefings/{past}/questions", None),
        (f"/attendance/briefings/{crisis}/roster", f"form[action$='/attendance/briefings/{crisis}/walk-in']"),
        (f"/attendance/briefings/{crisis}/checkin", "form[data-code-form]"),  # answered by checkin.js
        (f"/i/{question_token(seeded)}/questions", None),
    ]
    for path, selector in forms:
        page.goto(live_server(path))
        form = (page.locator(f"main {selector}") if selector else
                page.locator("main form[method=post][novalidate]").filter(has=page.locator(".field")).last)
        form.evaluate("f => { const fold = f.closest('details'); if (fold) fold.open = true; }")  # as a person opens it
        for control in form.locator("input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]),"
                                    " textarea").all():
            if control.is_visible() and control.is_editable():
                control.fill("")
        form.locator("button[type=submit].btn--primary").last.click()
        page.wait_for_load_state()
        try:
            page.locator(".field__error").first.wait_for(state="visible", timeout=5_000)
        except PlaywrightError:
            pass  # reported below as "showed no field error"
        shots.take(page, f"errors-{path}")
        result = field_errors(page)
        if not result["count"]:
            problems.append(f"{path}: an empty form showed no field error")
        problems += [f"{path}: {p}" for p in result["problems"]]
    assert not problems, "\n".join(problems)
