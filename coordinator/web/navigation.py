"""The main menu: each domain adds its pages here, shown only to roles that may open them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coordinator.core.permissions import can


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    action: str
    prefix: str  # endpoints starting with this mark the item current


NAV: list[NavItem] = [
    NavItem("web.dashboard", _l("Tổng quan"), "read", "web."),
    # Staff, outbox, background jobs, audit log, API tokens: one hub keeps the menu to one line.
    NavItem("admin.index", _l("Quản trị"), "read", "admin."),
]

# The pages of the "Quản trị" hub, each shown to the roles that may open it.
ADMIN_PAGES: list[NavItem] = [
    NavItem("admin.staff", _l("Cán bộ"), "manage_staff", "admin.staff"),
    NavItem("admin.mail", _l("Hộp thư đi"), "read_mail", "admin.mail"),
    NavItem("admin.jobs", _l("Công việc nền"), "manage_jobs", "admin.jobs"),
    NavItem("admin.audit_log", _l("Nhật ký"), "manage_office", "admin.audit"),
    NavItem("admin.tokens", _l("Mã API"), "read", "admin.tokens"),
]


def add_admin_page(item: NavItem) -> None:
    if all(existing.endpoint != item.endpoint for existing in ADMIN_PAGES):
        ADMIN_PAGES.append(item)


# The menu follows a press office's week, whatever order the domains are imported in: plan the
# schedule, keep contacts, release packs, run the briefing, then read the results.
MENU_ORDER = ("web.dashboard", "schedule.calendar", "contacts.journalists", "packs.index", "attendance.index",
              "reports.overview", "policies.index", "network.index", "admin.index")


def _menu_rank(item: NavItem) -> float:
    """An item not in ``MENU_ORDER`` goes just before the admin hub."""
    return MENU_ORDER.index(item.endpoint) if item.endpoint in MENU_ORDER else MENU_ORDER.index("admin.index") - .5


def add(item: NavItem, *, before: str | None = None) -> None:
    """Insert ``item`` (before the item with endpoint ``before``, else at its place in ``MENU_ORDER``)."""
    if any(existing.endpoint == item.endpoint for existing in NAV):
        return
    if before is not None:
        index = next((i for i, existing in enumerate(NAV) if existing.endpoint == before), len(NAV))
    else:
        index = next((i for i, existing in enumerate(NAV) if _menu_rank(existing) > _menu_rank(item)), len(NAV))
    NAV.insert(index, item)


# What a message or mailing is for, as staff read it (codes stay in the data and the API).
PURPOSES = {
    "invite": _l("Thư mời"), "update": _l("Cập nhật"), "cancel": _l("Huỷ lịch"), "reminder": _l("Nhắc lịch"),
    "pack": _l("Tài liệu"), "correction": _l("Đính chính"), "follow_up": _l("Gửi bù tài liệu"),
    "welcome": _l("Chào mừng cán bộ"), "portal_link": _l("Đường dẫn trang phóng viên"),
    "digest": _l("Bản tin tuần"), "network_point": _l("Mời làm điểm cầu"), "answer": _l("Trả lời câu hỏi"),
    "test": _l("Thư thử"), "pack_approval": _l("Tài liệu chờ duyệt"), "password_reset": _l("Đặt lại mật khẩu"),
}


# Panels a domain adds to the dashboard: a template and what it shows the user (None: the panel is not for them).
PANELS: list[tuple[str, Callable[[Any], dict | None]]] = []


def add_panel(template: str, context: Callable[[Any], dict | None]) -> None:
    if all(existing != template for existing, _ in PANELS):
        PANELS.append((template, context))


def panels_for(user: Any) -> list[tuple[str, dict]]:
    return [(template, found) for template, context in PANELS if (found := context(user)) is not None]


def purpose_label(code: str | None) -> str:
    return str(PURPOSES.get(code or "", code or ""))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["purpose_label"] = purpose_label

    @app.context_processor
    def _nav() -> dict:
        def nav_items() -> list[NavItem]:
            return [item for item in NAV if can(current_user, item.action)]

        def admin_pages() -> list[NavItem]:
            return [item for item in ADMIN_PAGES if can(current_user, item.action)]

        return {"nav_items": nav_items, "admin_pages": admin_pages}
