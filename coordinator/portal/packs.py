"""The recipient's pages (signed link, no password): the pack with its files, and per-file downloads,
each logged (who, when, which file, before the embargo lift or not)."""
from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core import clock
from coordinator.extensions import db, limiter
from coordinator.invitations.tokens import speak_to
from coordinator.offices.models import Office
from coordinator.packs import operations as ops
from coordinator.packs.models import Pack, PackDownload, PackFile
from coordinator.packs.serving import ip_hash, send_pack_file
from coordinator.packs.tokens import download_token, pack_link
from coordinator.portal.refused import refuse_link
from coordinator.schedule.models import Briefing

bp = Blueprint("packs_public", __name__)


def _resolve(token: str):
    found, problem = pack_link(token)
    if problem:
        refuse_link(problem, found[1] if found is not None else None)
    pack, journalist = found
    if not ops.is_recipient(pack, journalist.id):
        refuse_link("invalid")
    speak_to(journalist)
    return pack, journalist


def _refusal(pack: Pack, office: Office):
    """Why this recipient may not have the files yet (None: they may)."""
    if pack.status != "released":
        return "unreleased"
    if ops.embargo_active(pack) and not pack.send_under_embargo:
        return "embargo"
    return None


@bp.get("/p/<token>")
def recipient_page(token: str):
    pack, journalist = _resolve(token)
    office = db.session.get(Office, pack.office_id)
    refusal = _refusal(pack, office)
    if refusal is not None:
        return render_template("packs/refused.html", pack=pack, office=office, reason=refusal), 403
    newest = db.session.scalar(select(Pack).where(Pack.root_id == pack.lineage_id, Pack.status == "released")
                               .order_by(Pack.version.desc()))
    newer_token = download_token(newest, journalist) if newest is not None and newest.id != pack.id else None
    briefing = db.session.get(Briefing, pack.briefing_id) if pack.briefing_id else None
    return render_template("packs/recipient.html", pack=pack, journalist=journalist, office=office, token=token,
                           embargo=ops.embargo_active(pack), newest=newest, newer_token=newer_token,
                           briefing=briefing)


def _file_of(pack: Pack, file_id: int) -> PackFile:
    row = db.session.get(PackFile, file_id)
    if row is None or row.pack_id != pack.id:
        abort(404)
    return row


def _open_file(token: str, file_id: int) -> tuple:
    """(pack, journalist, file, office) of a file link, or the page saying why it cannot be had (403)."""
    pack, journalist = _resolve(token)
    row = _file_of(pack, file_id)
    office = db.session.get(Office, pack.office_id)
    refusal = _refusal(pack, office)
    if refusal is not None:
        abort(make_response(render_template("packs/refused.html", pack=pack, office=office, reason=refusal), 403))
    return pack, journalist, row, office


@bp.get("/p/<token>/files/<int:file_id>")
def recipient_download(token: str, file_id: int):
    """A file's link in the mail opens a page with one button; only its POST sends the file and logs the
    download (a link scanner's GET or HEAD is not counted as the journalist's download)."""
    pack, _journalist, row, office = _open_file(token, file_id)
    return render_template(
        "portal/confirm_link.html", office=office, heading=_("Tải tài liệu"), subject=row.display_name,
        lead=_("Tài liệu “%(pack)s”. Bấm nút dưới đây để tải tệp.", pack=pack.title),
        action=url_for("packs_public.recipient_download_file", token=token, file_id=row.id),
        button=_("Tải xuống"), back=url_for("packs_public.recipient_page", token=token),
        back_label=_("Xem toàn bộ tài liệu"))


@bp.post("/p/<token>/files/<int:file_id>")
@limiter.limit("120 per minute")
def recipient_download_file(token: str, file_id: int):
    pack, journalist, row, office = _open_file(token, file_id)
    db.session.add(PackDownload(office_id=pack.office_id, pack_id=pack.id, file_id=row.id, journalist_id=journalist.id,
                                source="link", before_lift=ops.embargo_active(pack, clock.now()), ip_hash=ip_hash()))
    return send_pack_file(row)
