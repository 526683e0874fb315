"""Composing the mail a journalist receives: invites, updates, cancellations, reminders.

Every message is in the journalist's language, HTML and plain text, carries its own
iCalendar (only that journalist as ATTENDEE), the personal links, and one-click
unsubscribe headers (RFC 8058).
"""
from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from urllib.parse import quote

import markupsafe
from flask import render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from coordinator.contacts.models import Journalist
from coordinator.contacts.text import fold
from coordinator.core.i18n import format_local
from coordinator.core.urls import external_url
from coordinator.invitations import itip
from coordinator.invitations.models import Invitation
from coordinator.invitations.replies import organizer_for, reply_address
from coordinator.invitations.tokens import invitation_expires_at, invitation_token, portal_token, unsubscribe_token
from coordinator.mail import service as mail
from coordinator.mail.message import OutgoingMessage
from coordinator.offices.models import Office
from coordinator.schedule import ical
from coordinator.schedule.models import Briefing, Series
from coordinator.schedule.recurrence import describe_rule


@dataclass
class When:
    """What a message says about time and place, already formatted for its reader."""

    title: str
    start: str
    rule: str | None
    venue: str | None
    online_url: str | None
    agenda: str | None
    spokespeople: str | None


def checkin_url(invitation: Invitation) -> str:
    return external_url("journalist.checkin_qr_target", token=invitation_token(invitation))


def links(invitation: Invitation) -> dict[str, str]:
    token = invitation_token(invitation)
    return {
        "page": external_url("journalist.invitation_page", token=token),
        "accept": external_url("journalist.rsvp_link", token=token, answer="accepted"),
        "tentative": external_url("journalist.rsvp_link", token=token, answer="tentative"),
        "decline": external_url("journalist.rsvp_link", token=token, answer="declined"),
        "portal": external_url("portal.home", token=portal_token(invitation.journalist)),
        "unsubscribe": external_url("portal.unsubscribe", token=unsubscribe_token(
            invitation.journalist, invitation_expires_at(invitation))),
        "checkin": external_url("journalist.checkin_qr_target", token=token),
        "qr": external_url("journalist.qr_code", token=token),
    }


def calendar_note(urls: dict[str, str], code: str) -> str:
    """The journalist's own lines in the event's DESCRIPTION (``itip.with_note``), in the current language:
    the calendar app shows the saved event, not the mail, so the answer and portal links and the check-in
    code travel with it."""
    return "\n".join((f"{_('Đề nghị Quý phóng viên xác nhận tham dự:')} {urls['page']}",
                       f"{_('Trang phóng viên')}: {urls['portal']}",
                       f"{_('Mã điểm danh:')} {code}"))


# English readers cannot tell 07/12 from 12/07: their mail spells the month ("Monday 7 December 2026, 15:00").
ENGLISH_MAIL_PATTERN = "EEEE d MMMM yyyy, HH:mm"


def _mail_time(value, tz: str) -> str:
    english = str(get_locale() or "vi").startswith("en")
    return format_local(value, tz, pattern=ENGLISH_MAIL_PATTERN) if english else format_local(value, tz)


def describe_target(target: Series | Briefing, office: Office, occurrence: Briefing | None = None) -> When:
    tz = office.timezone
    if isinstance(target, Series):
        first = occurrence
        start = first.start if first is not None else target.start_aware
        return When(title=target.title, start=_mail_time(start, tz),
                    rule=describe_rule(target.rrule, target.timezone), venue=target.venue,
                    online_url=target.online_url, agenda=target.description, spokespeople=None)
    return When(title=target.effective_title, start=_mail_time(target.start, tz), rule=None,
                venue=target.effective_venue, online_url=target.effective_online_url, agenda=target.agenda,
                spokespeople=target.spokespeople)


def compose(*, invitation: Invitation, office: Office, key: str, purpose: str, subject: str, template: str,
            context: dict, calendar: str | None = None, method: str = "REQUEST") -> OutgoingMessage:
    journalist: Journalist = invitation.journalist
    sender, sender_name = mail.sender_for(office)
    urls = links(invitation)
    context = {**context, "journalist": journalist, "office": office, "links": urls, "invitation": invitation,
               "subject": subject}
    text = render_template(f"mail/{template}.txt", **context)
    html = render_template(f"mail/{template}.html", **context)
    return OutgoingMessage(
        key=key, office_id=office.id, office_slug=office.slug, purpose=purpose, to_email=journalist.email,
        to_name=journalist.full_name, from_email=sender, from_name=sender_name, subject=subject, text=text,
        html=html, calendar=calendar, calendar_method=method, reply_to=reply_address(invitation),
        headers={"List-Unsubscribe": f"<{urls['unsubscribe']}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


# Each message's idempotency key: one per journalist and per version of what is sent.

def invite_key(invitation: Invitation, target: Series | Briefing) -> str:
    return invite_key_for(invitation.id, target.sequence)


def invite_key_for(invitation_id: int, sequence: int) -> str:
    return f"invite:{invitation_id}:s{sequence}"


def update_key(invitation_id: int, briefing_id: int, sequence: int) -> str:
    return f"update:{invitation_id}:{briefing_id}:s{sequence}"


def cancel_key(invitation_id: int, briefing_id: int, sequence: int) -> str:
    return f"cancel:{invitation_id}:{briefing_id}:s{sequence}"


def cancel_whole_key(invitation_id: int, uid: str) -> str:
    return f"cancel:{invitation_id}:{uid}"


def reminder_key(invitation_id: int, briefing_id: int, offset_minutes: int, start_iso: str) -> str:
    return f"remind:{invitation_id}:{briefing_id}:{offset_minutes}:{start_iso}"


def invite(invitation: Invitation, target: Series | Briefing, office: Office, *, first: Briefing | None,
           changes: dict | None = None, components: list | None = None) -> OutgoingMessage:
    """The full REQUEST: the whole series (or ad hoc briefing) as it stands, at its SEQUENCE.

    ``components`` (the series' VEVENTs, computed once per fan-out and copied) saves recomputing
    the series for every recipient."""
    journalist = invitation.journalist
    with force_locale(journalist.language or office.locale):
        when = describe_target(target, office, first)
        if components is None:
            components = (itip.series_components(target) if isinstance(target, Series)
                          else [ical.briefing_event(target)])
        changed = describe_changes(changes, office) if changes else None
        calendar = itip.calendar("REQUEST", itip.with_note(copy.deepcopy(components)), office=office,
                                 sender=organizer_for(invitation, mail.sender_for(office)),
                                 journalist=journalist, rsvp=invitation.rsvp,
                                 note=calendar_note(links(invitation), invitation.checkin_code))
        subject = invite_subject(target, when, changed)
        return compose(invitation=invitation, office=office,
                       key=invite_key(invitation, target), purpose="update" if changed else "invite",
                       subject=subject, template="invite", context={"when": when, "changes": changed},
                       calendar=calendar)


# --- a fan-out's invitations, rendered once -------------------------------------------------------------

_SLOT = "\ue000{}\ue001"  # private-use characters: never in a name, an address, a code or a token
_SLOTS = ("name", "code", *("page", "accept", "tentative", "decline", "portal", "unsubscribe", "checkin", "qr"))


@dataclass
class _Shell:
    subject: str
    text: str
    html: str
    calendar: str
    note: str


class InviteBatch:
    """Every invitation of one fan-out (one target at one SEQUENCE), rendered once per language, answer
    and kind (first invitation or update): per journalist only the name, the check-in code, the personal
    links and the calendar's ATTENDEE are put in, by string substitution. The result is what ``invite``
    renders for that journalist (``tests/test_invitation_messages.py`` compares them), at a fraction of
    the cost: templates, the calendar and the dates are computed once, not once per recipient."""

    def __init__(self, target: Series | Briefing, office: Office, *, first: Briefing | None,
                 changes: dict | None = None):
        self.target, self.office, self.first, self.changes = target, office, first, changes
        self.sender = mail.sender_for(office)
        self.stamp = itip.made_at()  # every message of the fan-out was made now (its DTSTAMP)
        self._components: dict[str, list] = {}  # per language: a description's labels are words
        self._shells: dict[tuple, _Shell] = {}
        self._urls: dict[str, str] = {}
        self._links_end: tuple[datetime | None] | None = None  # the same for every invitation of the target

    def message(self, invitation: Invitation) -> OutgoingMessage:
        journalist = invitation.journalist
        changed = self.changes if invitation.sent_sequence is not None else None
        language = journalist.language or self.office.locale
        shell = self._shell(language, invitation.rsvp, bool(changed), changed)
        values = {"name": journalist.full_name, "code": invitation.checkin_code, **self._links(invitation)}
        return OutgoingMessage(
            key=invite_key(invitation, self.target), office_id=self.office.id, office_slug=self.office.slug,
            purpose="update" if changed else "invite", to_email=journalist.email, to_name=journalist.full_name,
            from_email=self.sender[0], from_name=self.sender[1], subject=shell.subject,
            text=_put(shell.text, values, escape=False), html=_put(shell.html, values, escape=True),
            calendar=itip.fill(shell.calendar, journalist, invitation.rsvp,
                               organizer=organizer_for(invitation, self.sender),
                               note=_put(shell.note, values, escape=False)),
            calendar_method="REQUEST", reply_to=reply_address(invitation),
            headers={"List-Unsubscribe": f"<{values['unsubscribe']}>",
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})

    def components(self, language: str) -> list:
        """The target's VEVENTs as a reader of ``language`` gets them (computed once per language)."""
        if language not in self._components:
            with force_locale(language):
                self._components[language] = (itip.series_components(self.target) if isinstance(self.target, Series)
                                              else [ical.briefing_event(self.target)])
        return self._components[language]

    def _links(self, invitation: Invitation) -> dict[str, str]:
        if self._links_end is None:
            self._links_end = (invitation_expires_at(invitation),)
        tokens = {"invitation": invitation_token(invitation), "portal": portal_token(invitation.journalist),
                  "unsubscribe": unsubscribe_token(invitation.journalist, self._links_end[0])}
        if not self._urls:
            placeholder = {name: _SLOT.format(name) for name in tokens}
            self._urls = {
                "page": external_url("journalist.invitation_page", token=placeholder["invitation"]),
                "accept": external_url("journalist.rsvp_link", token=placeholder["invitation"], answer="accepted"),
                "tentative": external_url("journalist.rsvp_link", token=placeholder["invitation"],
                                          answer="tentative"),
                "decline": external_url("journalist.rsvp_link", token=placeholder["invitation"], answer="declined"),
                "portal": external_url("portal.home", token=placeholder["portal"]),
                "unsubscribe": external_url("portal.unsubscribe", token=placeholder["unsubscribe"]),
                "checkin": external_url("journalist.checkin_qr_target", token=placeholder["invitation"]),
                "qr": external_url("journalist.qr_code", token=placeholder["invitation"]),
            }
        return {name: _put(url, tokens, escape=False, quoted=True) for name, url in self._urls.items()}

    def _shell(self, language: str, rsvp: str, changed: bool, changes: dict | None) -> _Shell:
        key = (language, rsvp, changed)
        if key not in self._shells:
            self._shells[key] = self._render(language, changes if changed else None)
        return self._shells[key]

    def _render(self, language: str, changes: dict | None) -> _Shell:
        stand_in = _StandIn()
        with force_locale(language):
            when = describe_target(self.target, self.office, self.first)
            changed = describe_changes(changes, self.office) if changes else None
            subject = invite_subject(self.target, when, changed)
            context = {"when": when, "changes": changed, "journalist": stand_in.journalist, "office": self.office,
                       "links": stand_in.links, "invitation": stand_in.invitation, "subject": subject}
            text = render_template("mail/invite.txt", **context)
            html = render_template("mail/invite.html", **context)
            calendar = itip.calendar_shell("REQUEST", itip.with_note(copy.deepcopy(self.components(language))),
                                           office=self.office, stamp=self.stamp)
            note = calendar_note(stand_in.links, stand_in.invitation.checkin_code)
        return _Shell(subject=subject, text=text, html=html, calendar=calendar, note=note)


class _StandIn:
    """What the templates see in place of one journalist: slots where their own values go."""

    def __init__(self):
        self.journalist = SimpleNamespace(full_name=_SLOT.format("name"))
        self.invitation = SimpleNamespace(checkin_code=_SLOT.format("code"))
        self.links = {name: _SLOT.format(name) for name in _SLOTS[2:]}


def _put(template: str, values: dict[str, str], *, escape: bool, quoted: bool = False) -> str:
    for name, value in values.items():
        template = template.replace(_slot(name, quoted), str(markupsafe.escape(value)) if escape else value)
    return template


@functools.lru_cache(maxsize=64)
def _slot(name: str, quoted: bool) -> str:
    """A slot as it stands in the rendered text (percent-encoded when url_for put it in a URL)."""
    return quote(_SLOT.format(name), safe="") if quoted else _SLOT.format(name)


def invite_subject(target: Series | Briefing, when: When, changed: str | None) -> str:
    if changed:
        return _("Cập nhật: %(title)s – %(when)s", title=when.title, when=when.start)
    if isinstance(target, Briefing) and target.is_crisis:
        if fold(when.title).startswith(("hop bao", "press briefing", "briefing")):  # not "…họp báo: Họp báo…"
            return _("KHẨN – Giấy mời: %(title)s – %(when)s", title=when.title, when=when.start)
        return _("KHẨN – Giấy mời họp báo: %(title)s – %(when)s", title=when.title, when=when.start)
    return _("Giấy mời: %(title)s – %(when)s", title=when.title, when=when.start)


def occurrence_update(invitation: Invitation, briefing: Briefing, office: Office, changes: dict, *,
                      component=None) -> OutgoingMessage:
    journalist = invitation.journalist
    with force_locale(journalist.language or office.locale):
        when = describe_target(briefing, office)
        if component is None:
            component = itip.occurrence_component(briefing)
        calendar = itip.calendar("REQUEST", itip.with_note([copy.deepcopy(component)]), office=office,
                                 sender=organizer_for(invitation, mail.sender_for(office)), journalist=journalist,
                                 rsvp=invitation.rsvp, note=calendar_note(links(invitation), invitation.checkin_code))
        subject = _("Thay đổi: %(title)s – %(when)s", title=when.title, when=when.start)
        return compose(invitation=invitation, office=office,
                       key=update_key(invitation.id, briefing.id, briefing.sequence), purpose="update",
                       subject=subject, template="update",
                       context={"when": when, "changes": describe_changes(changes, office)}, calendar=calendar)


def cancellation(invitation: Invitation, office: Office, *, uid: str, sequence: int, title: str, start: datetime,
                 end: datetime, timezone: str, recurrence_id: datetime | None, key: str,
                 whole_series: bool = False) -> OutgoingMessage:
    from zoneinfo import ZoneInfo

    journalist = invitation.journalist
    with force_locale(journalist.language or office.locale):
        component = itip.cancel_component(uid, sequence, summary=title, start=start, end=end,
                                          tz=ZoneInfo(timezone), recurrence_id=recurrence_id)
        calendar = itip.calendar("CANCEL", [component], office=office,
                                 sender=organizer_for(invitation, mail.sender_for(office)), journalist=journalist)
        when = format_local(start, office.timezone)
        subject = _("Huỷ: %(title)s – %(when)s", title=title, when=when)
        return compose(invitation=invitation, office=office, key=key, purpose="cancel", subject=subject,
                       template="cancel", context={"title": title, "when": when, "whole_series": whole_series},
                       calendar=calendar, method="CANCEL")


def reminder(invitation: Invitation, briefing: Briefing, office: Office, offset_minutes: int) -> OutgoingMessage:
    journalist = invitation.journalist
    with force_locale(journalist.language or office.locale):
        when = describe_target(briefing, office)
        subject = _("Nhắc lịch: %(title)s – %(when)s", title=when.title, when=when.start)
        key = reminder_key(invitation.id, briefing.id, offset_minutes, briefing.start.isoformat())
        return compose(invitation=invitation, office=office, key=key, purpose="reminder", subject=subject,
                       template="reminder", context={"when": when, "offset_minutes": offset_minutes,
                                                     "briefing": briefing})


def describe_changes(changes: dict | None, office: Office) -> str:
    """"What changed" in one line, in the current locale: ``Bắt đầu: … → …; Địa điểm: … → …``."""
    labels = {"start": _("Bắt đầu"), "end": _("Kết thúc"), "venue": _("Địa điểm"), "online_url": _("Trực tuyến"),
              "status": _("Trạng thái"), "title": _("Tên buổi họp báo"), "agenda": _("Nội dung"),
              "spokespeople": _("Người phát ngôn"), "rrule": _("Lịch lặp"), "dtstart": _("Bắt đầu"),
              "duration_minutes": _("Thời lượng (phút)"), "description": _("Mô tả")}
    parts = []
    for field, value in (changes or {}).items():
        if isinstance(value, list | tuple) and len(value) == 2:
            before, after = value
        else:
            before, after = None, value
        if field in ("sequence", "last_modified"):
            continue
        if field == "status":
            names = {"scheduled": _("Đã lên lịch"), "moved": _("Đã dời lịch"), "cancelled": _("Đã huỷ"),
                     "held": _("Đã diễn ra")}
            before, after = names.get(before, before), names.get(after, after)
        elif field == "rrule":  # the rule in words, not RRULE syntax
            before, after = (describe_rule(v, office.timezone) if isinstance(v, str) and v else v
                             for v in (before, after))
        parts.append(f"{labels.get(field, field)}: {_fmt(before, office)} → {_fmt(after, office)}")
    return "; ".join(parts)


def _fmt(value: object, office: Office) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if parsed.tzinfo is not None:
            return format_local(parsed, office.timezone)
    return str(value)
