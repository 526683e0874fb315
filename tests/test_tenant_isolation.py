"""Tenant isolation: every registered route that takes an object id, called by office A's admin
(session and API token) with office B's ids, answers 404, exactly like a missing object.

Routes are enumerated from the app's URL map, so a new route is covered automatically; a route
with an id parameter this test does not know fails the test until the parameter is mapped.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from coordinator.contacts import operations as contacts
from coordinator.contacts.models import ContactImport, Journalist
from coordinator.core import events
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.mail import service as mail
from coordinator.mail.message import OutgoingMessage
from coordinator.schedule import operations as schedule
from coordinator.users.models import ApiToken
from tests.conftest import ApiClient
from tests.support import domain
from tests.support.attendance import briefing_with_invitations
from tests.support.monitoring import office_b_monitoring
from tests.support.network import network_objects
from tests.support.packs import make_pack
from tests.support.policies import office_b_policy_objects

# Routes reached by a signed token or a public slug are not staff-scoped: tokens are secrets of
# their own; the public pages are public on purpose (their own tests check what they show); the
# provider's inbound webhook is reached by the deployment's secret (tests/test_inbound_replies.py).
NOT_STAFF_SCOPED = re.compile(
    r"^/(i|c|p|u|portal|set-password|reset-password|calendar|newsroom|static|language|consult"
    r"|webhooks/sendgrid/inbound)(/|$)")
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


@pytest.fixture
def office_b_objects(app, other_office, make_user, make_token):
    """One of everything in office B."""
    from coordinator.attendance import operations as attendance

    b_admin = make_user(other_office, "admin", email="admin@hanoi.gov.vn")
    make_token(b_admin)
    people = domain.journalists(other_office, 2, prefix="hn")
    journalist = people[0]
    outlet = db.session.get(Journalist, journalist.id).outlet
    beat = contacts.create_beat(other_office.id, "Giao thông")
    dl = contacts.create_list(other_office.id, {"name": "Báo chí Hà Nội", "journalist_ids": [journalist.id]})
    series = domain.weekly_series(other_office, people, lead_days=30)
    briefing = briefing_with_invitations(other_office, people, start=datetime.now(UTC) + timedelta(minutes=30))
    closure = schedule.add_closure(other_office, (datetime.now(UTC) + timedelta(days=40)).date(), "Nghỉ bù")
    db.session.commit()
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.briefing_id == briefing.id))
    attendance_row, _ = attendance.check_in(briefing, journalist)
    question = attendance.ask(briefing, journalist, "Khi nào thông xe cầu?", source="staff")
    coverage = attendance.create_coverage(other_office.id, {"url": "https://hanoimoi.vn/bai-1",
                                                            "outlet_id": outlet.id, "briefing_id": briefing.id,
                                                            "tone": "neutral"})
    db.session.commit()
    pack = make_pack(other_office, b_admin, briefing=briefing)
    contact_import = ContactImport(office_id=other_office.id, filename="x.csv", file_format="csv", content=b"")
    db.session.add(contact_import)
    event = events.emit("no.such.kind", office_id=other_office.id, payload={})
    db.session.commit()
    delivered = mail.send(OutgoingMessage(key="iso:1", office_id=other_office.id, office_slug=other_office.slug,
                                          purpose="test", to_email=journalist.email, subject="Thư riêng",
                                          text="…", from_email="baochi@hanoi.gov.vn"))
    from coordinator.mail.backends import key_digest
    from coordinator.users import sessions as user_sessions

    b_session, _, _ = user_sessions.start(b_admin, remember=False, user_agent="Firefox/128.0", ip="192.0.2.1")
    from coordinator.privacy.operations import request_erasure

    data_request = request_erasure(people[1], "Xin xoá dữ liệu của tôi")
    db.session.commit()

    return {
        "session_id": b_session.id,
        "user_id": b_admin.id, "token_id": db.session.scalar(db.select(ApiToken.id)),
        "journalist_id": journalist.id, "outlet_id": outlet.id, "beat_id": beat.id, "list_id": dl.id,
        "series_id": series.id, "briefing_id": briefing.id, "closure_id": closure.id,
        "invitation_id": invitation.id, "attendance_id": attendance_row.id, "question_id": question.id,
        "coverage_id": coverage.id, "pack_id": pack.id, "file_id": pack.files[0].id,
        "import_id": contact_import.id, "event_id": db.session.get(OutboxEvent, event.id).id,
        "name": key_digest(delivered.key), "request_id": data_request.id,
        **network_objects(other_office, b_admin),
        **office_b_policy_objects(other_office),
        **office_b_monitoring(other_office, outlet.id, briefing.id),
    }


def staff_routes(app):
    for rule in app.url_map.iter_rules():
        if NOT_STAFF_SCOPED.match(rule.rule) or not rule.arguments:
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        yield rule, methods


def test_every_id_route_hides_other_offices_objects(app, client, auth, admin, make_token, office_b_objects):
    a_api = ApiClient(client, make_token(admin))
    auth.login(admin.email)
    unknown = set()
    checked = 0
    failures = []
    for rule, methods in staff_routes(app):
        values = {}
        for argument in rule.arguments:
            if argument in office_b_objects:
                values[argument] = office_b_objects[argument]
            elif argument == "fmt":
                values[argument] = "csv"
            else:
                unknown.add((argument, rule.rule))
        if len(values) != len(rule.arguments):
            continue
        path = rule.rule
        for argument, value in values.items():
            path = re.sub(rf"<(?:\w+:)?{argument}>", str(value), path)
        for method in methods:
            requester = a_api if path.startswith("/api/") else client
            if requester is a_api:
                response = getattr(requester, method.lower())(path) if method != "PUT" else \
                    client.put(path, headers=a_api.headers)
            else:
                response = client.open(path, method=method, data={})
            checked += 1
            if response.status_code != 404:
                failures.append(f"{method} {path} ({rule.endpoint}) -> {response.status_code}")
    assert not unknown, f"map these id parameters to office B objects: {sorted(unknown)}"
    assert checked > 60
    assert failures == [], "\n".join(failures)


def test_office_b_objects_exist_for_office_b(client, office_b_objects, other_office, make_user, make_token):
    """The same requests by office B's own admin do not answer 404: the ids are real."""
    b_admin = make_user(other_office, "admin", email="second-admin@hanoi.gov.vn")
    b_api = ApiClient(client, make_token(b_admin))
    ids = office_b_objects
    for path in (f"/api/v1/journalists/{ids['journalist_id']}", f"/api/v1/outlets/{ids['outlet_id']}",
                 f"/api/v1/series/{ids['series_id']}", f"/api/v1/packs/{ids['pack_id']}",
                 f"/api/v1/briefings/{ids['briefing_id']}/invitations", f"/api/v1/users/{ids['user_id']}"):
        assert b_api.get(path).status_code == 200, path


def test_public_pages_of_one_office_do_not_show_anothers(client, office, office_b_objects):
    ids = office_b_objects
    assert client.get(f"/newsroom/{office.slug}/packs/{ids['pack_id']}").status_code == 404
    assert client.get(f"/newsroom/{office.slug}/packs/{ids['pack_id']}/files/{ids['file_id']}").status_code == 404


def test_mail_search_never_shows_another_offices_mail(client, auth, admin, office_b_objects):
    """The mail page's search (issue 25.10): office B's message and briefing stay out of every filter."""
    auth.login(admin.email)
    ids = office_b_objects
    for query in ("", "?purpose=test", "?subject=Thư riêng", "?recipient=hn", "?state=sent", "?page=2&fpage=2"):
        page = client.get(f"/admin/mail{query}").get_data(as_text=True)
        assert "Thư riêng</" not in page and ids["name"] not in page, query
    refused = client.get(f"/admin/mail?briefing={ids['briefing_id']}")
    assert refused.status_code == 400 and "Thư riêng</" not in refused.get_data(as_text=True)
    assert f'value="{ids["briefing_id"]}"' not in refused.get_data(as_text=True)
