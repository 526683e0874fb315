"""The public newsroom of an office: released packs (embargo lifted) with their files, search that
ignores Vietnamese diacritics, upcoming public briefings, and an Atom feed.

Only ``operations.public_packs`` decides what appears; every pack page and file here goes through
``_public_pack`` again, so nothing unreleased or embargoed is reachable by guessing an id either.
"""
from __future__ import annotations

from datetime import timedelta
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core import clock
from coordinator.core.urls import external_url
from coordinator.extensions import csrf, db, limiter
from coordinator.offices.models import Office
from coordinator.offices.operations import get_office_by_slug
from coordinator.packs import operations as ops
from coordinator.packs.models import Pack, PackDownload, PackFile
from coordinator.packs.serving import ip_hash, send_pack_file
from coordinator.schedule import ical
from coordinator.schedule.models import Briefing

bp = Blueprint("newsroom", __name__, url_prefix="/newsroom")
csrf.exempt(bp)

UPCOMING_DAYS = 60


@bp.context_processor
def _calendar_links() -> dict:
    """The office's public calendar for every newsroom page: webcal, Google and Outlook, as on the staff pages
    and the portal (``ical.subscribe_links``)."""
    def office_calendar(office: Office) -> dict[str, str]:
        url = external_url("calendar.office_feed", office_slug=office.slug)
        return ical.subscribe_links(url, _("Lịch họp báo – %(office)s", office=office.name))
    return {"office_calendar": office_calendar}


def _office(slug: str) -> Office:
    office = get_office_by_slug(slug)
    if office is None or not office.public_page:
        abort(404)
    return office


def _public_pack(office: Office, pack_id: int) -> Pack:
    pack = db.session.get(Pack, pack_id)
    if pack is None or pack.office_id != office.id or pack.status != "released":
        abort(404)
    if ops.embargo_active(pack):
        abort(404)
    return pack


def _upcoming(office: Office) -> list[Briefing]:
    now = clock.now()
    rows = db.session.scalars(select(Briefing).where(
        Briefing.office_id == office.id, Briefing.start >= now, Briefing.start <= now + timedelta(days=UPCOMING_DAYS),
        Briefing.status.in_(("scheduled", "moved"))).order_by(Briefing.start).limit(20))
    return [b for b in rows if b.effective_public]


@bp.get("/<slug>")
def home(slug: str) -> ResponseReturnValue:
    office = _office(slug)
    q = (request.args.get("q") or "").strip()[:200]
    packs = ops.public_packs(office.id, q=q or None)
    return render_template("newsroom/home.html", office=office, packs=packs[:100], q=q, upcoming=_upcoming(office))


@bp.get("/<slug>/packs/<int:pack_id>")
def pack_page(slug: str, pack_id: int) -> ResponseReturnValue:
    office = _office(slug)
    pack = _public_pack(office, pack_id)
    newest = db.session.scalar(select(Pack).where(Pack.root_id == pack.lineage_id, Pack.status == "released")
                               .order_by(Pack.version.desc()))
    briefing = db.session.get(Briefing, pack.briefing_id) if pack.briefing_id else None
    if briefing is not None and not briefing.effective_public:
        briefing = None
    return render_template("newsroom/pack.html", office=office, pack=pack, briefing=briefing,
                           newest=newest if newest is not None and newest.id != pack.id else None)


@bp.get("/<slug>/packs/<int:pack_id>/files/<int:file_id>")
@limiter.limit("120 per minute")
def download(slug: str, pack_id: int, file_id: int) -> ResponseReturnValue:
    office = _office(slug)
    pack = db.session.get(Pack, pack_id)
    if pack is not None and pack.office_id == office.id and pack.status == "released" and ops.embargo_active(pack):
        # Released to the press under embargo, not to the public yet: say so, show nothing.
        return render_template("packs/refused.html", pack=None, office=office, reason="embargo"), 403
    pack = _public_pack(office, pack_id)
    row = db.session.get(PackFile, file_id)
    if row is None or row.pack_id != pack.id:
        abort(404)
    db.session.add(PackDownload(office_id=office.id, pack_id=pack.id, file_id=row.id, journalist_id=None,
                                source="newsroom", before_lift=False, ip_hash=ip_hash()))
    return send_pack_file(row, private=False)


@bp.get("/<slug>/feed.xml")
def feed(slug: str) -> ResponseReturnValue:
    """Atom 1.0 (RFC 4287): the released packs, newest first."""
    office = _office(slug)
    packs = ops.public_packs(office.id)[:50]
    home_url = external_url("newsroom.home", slug=office.slug)
    self_url = external_url("newsroom.feed", slug=office.slug)
    updated = max((p.released_at for p in packs if p.released_at), default=office.created_at)
    parts = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(office.locale or "vi")}">',
             f"<title>{escape(office.name)}</title>",
             f"<id>{escape(home_url)}</id>",
             f'<link rel="alternate" type="text/html" href="{escape(home_url, {chr(34): "&quot;"})}"/>',
             f'<link rel="self" type="application/atom+xml" href="{escape(self_url, {chr(34): "&quot;"})}"/>',
             f"<updated>{updated.isoformat()}</updated>",
             f"<author><name>{escape(office.name)}</name></author>"]
    for pack in packs:
        url = external_url("newsroom.pack_page", slug=office.slug, pack_id=pack.id)
        parts += ["<entry>",
                  f"<title>{escape(pack.title)}</title>",
                  f"<id>{escape(url)}</id>",
                  f'<link rel="alternate" type="text/html" href="{escape(url, {chr(34): "&quot;"})}"/>',
                  f"<updated>{(pack.released_at or pack.updated_at).isoformat()}</updated>",
                  f"<published>{(pack.released_at or pack.created_at).isoformat()}</published>"]
        if pack.summary:
            parts.append(f"<summary>{escape(pack.summary)}</summary>")
        if pack.body:
            parts.append(f'<content type="html">{escape(pack.body)}</content>')
        for item in pack.files:
            href = external_url("newsroom.download", slug=office.slug, pack_id=pack.id, file_id=item.id)
            parts.append(f'<link rel="enclosure" type="{escape(item.content_type)}" length="{item.size}" '
                         f'title="{escape(item.display_name, {chr(34): "&quot;"})}" '
                         f'href="{escape(href, {chr(34): "&quot;"})}"/>')
        parts.append("</entry>")
    parts.append("</feed>")
    return Response("\n".join(parts), mimetype="application/atom+xml",
                    headers={"Cache-Control": "public, max-age=300"})
