"""Tests for the local SendGrid v3 Mail Send fake in tests/servers/sendgrid_fake.py.

These tests use only the standard library, jsonschema, sendgrid and the fake server itself.
They need no database, Redis or project code.
"""

from __future__ import annotations

import base64
import copy
import gzip
import http.client
import json
import time

import pytest
from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import (
    Attachment,
    Content,
    CustomArg,
    Disposition,
    FileContent,
    FileName,
    FileType,
    Header,
    Mail,
)

pytestmark = pytest.mark.db_independent

try:
    from tests.servers.sendgrid_fake import FakeSendGrid, validate_mail_send
except (
    ImportError
):  # tests/ itself is on sys.path (pytest rootdir-less "prepend" import mode)
    from servers.sendgrid_fake import FakeSendGrid, validate_mail_send

API_KEY = "SG.test-key"

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:1@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260102T100000Z\r\n"
    "SUMMARY:Meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def server():
    with FakeSendGrid(api_key=API_KEY) as fake:
        yield fake


def client(fake: FakeSendGrid, api_key: str = API_KEY) -> SendGridAPIClient:
    return SendGridAPIClient(api_key, host=fake.url)


def base_body(**overrides) -> dict:
    body = {
        "personalizations": [{"to": [{"email": "alice@example.com", "name": "Alice"}]}],
        "from": {"email": "noreply@example.org"},
        "subject": "Hello",
        "content": [
            {"type": "text/plain", "value": "hi"},
            {"type": "text/html", "value": "<p>hi</p>"},
        ],
        "custom_args": {"idempotency_key": "k-1"},
    }
    body.update(overrides)
    return body


def post_raw(
    fake: FakeSendGrid, body, headers: dict | None = None
) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=10)
    try:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs = {
            "Authorization": f"Bearer {API_KEY}",
            "Content-Type": "application/json",
        }
        hdrs.update(headers or {})
        conn.request("POST", "/v3/mail/send", body=data, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


# --------------------------------------------------------------------------- happy path


def test_valid_message_via_sendgrid_library(server):
    mail = Mail(
        from_email="noreply@example.org",
        to_emails="alice@example.com",
        subject="Invitation",
        plain_text_content="You are invited",
        html_content="<p>You are invited</p>",
    )
    mail.add_content(Content("text/calendar; method=REQUEST", ICS))
    mail.add_attachment(
        Attachment(
            FileContent(base64.b64encode(ICS.encode()).decode()),
            FileName("invite.ics"),
            FileType("application/ics"),
            Disposition("attachment"),
        )
    )
    mail.add_custom_arg(CustomArg("idempotency_key", "rcpt-42"))
    mail.add_header(Header("List-Unsubscribe", "<mailto:unsub@example.org>"))

    resp = client(server).send(mail)

    assert resp.status_code == 202
    assert resp.body in (b"", "")
    message_id = resp.headers["X-Message-Id"]
    assert message_id
    assert server.rejected == []
    [accepted] = server.accepted
    assert accepted.key == "rcpt-42"
    assert accepted.message_id == message_id
    assert accepted.headers["authorization"] == f"Bearer {API_KEY}"
    assert [c["type"] for c in accepted["content"]] == [
        "text/plain",
        "text/html",
        "text/calendar; method=REQUEST",
    ]
    assert accepted["attachments"][0]["type"] == "application/ics"
    assert server.messages_by_key() == {"rcpt-42": 1}
    assert server.stats["accepted"] == 1


def test_message_ids_unique_and_keys_counted(server):
    sg = client(server)
    ids = set()
    for key in ["a", "b", "a"]:
        resp = sg.client.mail.send.post(
            request_body=base_body(custom_args={"idempotency_key": key})
        )
        assert resp.status_code == 202
        ids.add(resp.headers["X-Message-Id"])
    body = base_body()
    del body["custom_args"]
    body["personalizations"][0]["custom_args"] = {"idempotency_key": "c"}
    assert sg.client.mail.send.post(request_body=body).status_code == 202
    body = base_body()
    del body["custom_args"]
    assert sg.client.mail.send.post(request_body=body).status_code == 202
    assert len(ids) == 3
    assert server.messages_by_key() == {"a": 2, "b": 1, "c": 1, None: 1}
    server.reset()
    assert (
        server.accepted == []
        and server.messages_by_key() == {}
        and server.stats["requests"] == 0
    )


def test_template_allows_missing_content_and_subject(server):
    body = base_body(template_id="d-123")
    del body["content"], body["subject"]
    assert client(server).client.mail.send.post(request_body=body).status_code == 202


def test_subject_in_every_personalization_is_enough(server):
    body = base_body()
    del body["subject"]
    body["personalizations"] = [
        {"to": [{"email": "a@example.com"}], "subject": "A"},
        {"to": [{"email": "b@example.com"}], "subject": "B"},
    ]
    assert client(server).client.mail.send.post(request_body=body).status_code == 202


def test_gzip_body_accepted(server):
    status, _, _ = post_raw(
        server,
        gzip.compress(json.dumps(base_body()).encode()),
        {"Content-Encoding": "gzip"},
    )
    assert status == 202
    assert server.accepted[0].key == "k-1"


# --------------------------------------------------------------------------- rejections


def _mutate(fn):
    body = base_body()
    fn(body)
    return body


def _recipients(n):
    return [{"email": f"user{i}@example.com"} for i in range(n)]


REJECT_CASES = {
    "html_before_plain": (
        lambda b: b.update(
            content=[
                {"type": "text/html", "value": "<p>x</p>"},
                {"type": "text/plain", "value": "x"},
            ]
        ),
        "content",
        "text/plain content type must be first",
    ),
    "calendar_before_html": (
        lambda b: b.update(
            content=[
                {"type": "text/plain", "value": "x"},
                {"type": "text/calendar; method=REQUEST", "value": ICS},
                {"type": "text/html", "value": "<p>x</p>"},
            ]
        ),
        "content",
        "text/plain content type must be first",
    ),
    "content_type_with_other_param": (
        lambda b: b["content"].__setitem__(
            0, {"type": "text/plain; charset=utf-8", "value": "x"}
        ),
        "content.0.type",
        "cannot contain ';'",
    ),
    "content_type_crlf": (
        lambda b: b["content"].append(
            {"type": "text/calendar; method=REQUEST\r\nX-Evil: 1", "value": ICS}
        ),
        "content.2.type",
        "CRLF",
    ),
    "missing_content": (
        lambda b: b.pop("content"),
        "content",
        "content parameter is required",
    ),
    "empty_content": (
        lambda b: b.update(content=[]),
        "content",
        "content parameter is required",
    ),
    "attachment_type_with_semicolon": (
        lambda b: b.update(
            attachments=[
                {
                    "content": base64.b64encode(b"x").decode(),
                    "filename": "invite.ics",
                    "type": "text/calendar; method=REQUEST",
                }
            ]
        ),
        "attachments.0.type",
        "cannot contain ';'",
    ),
    "attachment_bad_base64": (
        lambda b: b.update(
            attachments=[
                {"content": "not base64!!", "filename": "a.txt", "type": "text/plain"}
            ]
        ),
        "attachments.0.content",
        "base64",
    ),
    "missing_subject": (lambda b: b.pop("subject"), "subject", "subject is required"),
    "subject_missing_in_one_personalization": (
        lambda b: (
            b.pop("subject"),
            b.update(
                personalizations=[
                    {"to": [{"email": "a@example.com"}], "subject": "A"},
                    {"to": [{"email": "b@example.com"}]},
                ]
            ),
        ),
        "subject",
        "subject is required",
    ),
    "duplicate_address": (
        lambda b: b["personalizations"][0].update(bcc=[{"email": "ALICE@example.com"}]),
        "personalizations.0",
        "should be unique",
    ),
    "forbidden_header": (
        lambda b: b.update(headers={"reply-to": "x@example.com"}),
        "headers",
        "reserved",
    ),
    "forbidden_header_in_personalization": (
        lambda b: b["personalizations"][0].update(headers={"X-SG-ID": "1"}),
        "personalizations.0.headers",
        "reserved",
    ),
    "1001_recipients": (
        lambda b: b["personalizations"][0].update(to=_recipients(1001)),
        "personalizations",
        "limit of 1000",
    ),
    # plain schema violations
    "missing_from": (lambda b: b.pop("from"), None, "'from' is a required property"),
    "bad_email": (
        lambda b: b["personalizations"][0]["to"][0].update(email="nope"),
        "personalizations.0.to.0.email",
        "email",
    ),
    "custom_args_non_string_value": (
        lambda b: b.update(custom_args={"idempotency_key": 5}),
        "custom_args.idempotency_key",
        "not of type",
    ),
    "no_personalizations": (
        lambda b: b.update(personalizations=[]),
        "personalizations",
        "should be non-empty",
    ),
}


@pytest.mark.parametrize("case", list(REJECT_CASES), ids=list(REJECT_CASES))
def test_rule_violation_rejected_with_400(server, case):
    mutate, field, needle = REJECT_CASES[case]
    body = _mutate(mutate)

    with pytest.raises(HTTPError) as excinfo:
        client(server).client.mail.send.post(request_body=body)

    assert excinfo.value.status_code == 400
    errors = json.loads(excinfo.value.body)["errors"]
    assert any(e["field"] == field and needle in e["message"] for e in errors), errors
    for e in errors:
        assert set(e) == {"message", "field", "help"}
    assert server.accepted == []
    [(status, recorded_body, recorded_errors)] = server.rejected
    assert status == 400 and recorded_body == body and recorded_errors == errors
    assert server.stats["rejected"] == 1


def test_exactly_1000_recipients_accepted(server):
    body = base_body()
    cc = [{"email": f"cc{i}@example.com"} for i in range(250)]
    body["personalizations"] = [
        {"to": _recipients(500)},
        {"to": _recipients(250), "cc": cc},
    ]
    assert client(server).client.mail.send.post(request_body=body).status_code == 202


def test_same_address_in_two_personalizations_accepted(server):
    body = base_body()
    body["personalizations"].append(copy.deepcopy(body["personalizations"][0]))
    assert client(server).client.mail.send.post(request_body=body).status_code == 202


def test_list_unsubscribe_header_allowed(server):
    body = base_body(
        headers={
            "List-Unsubscribe": "<mailto:u@example.org>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    )
    assert client(server).client.mail.send.post(request_body=body).status_code == 202


@pytest.mark.parametrize("api_key", [None, "SG.wrong"])
def test_missing_or_wrong_auth_401(server, api_key):
    headers = {} if api_key is None else {"Authorization": f"Bearer {api_key}"}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("POST", "/v3/mail/send", body=json.dumps(base_body()), headers=headers)
    resp = conn.getresponse()
    payload = json.loads(resp.read())
    conn.close()
    assert resp.status == 401
    assert payload["errors"][0]["message"]
    assert server.accepted == []
    assert server.rejected[0][0] == 401


def test_wrong_key_via_library_401(server):
    with pytest.raises(HTTPError) as excinfo:
        client(server, api_key="SG.other").client.mail.send.post(
            request_body=base_body()
        )
    assert excinfo.value.status_code == 401


def test_bad_json_400(server):
    status, _, body = post_raw(server, b"{not json")
    assert status == 400
    assert json.loads(body)["errors"][0]["message"] == "Bad Request"
    assert server.rejected[0][1] == "{not json"


def test_unknown_path_404_and_batch(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/v3/nope")
    resp = conn.getresponse()
    assert resp.status == 404 and "errors" in json.loads(resp.read())
    conn.request(
        "POST", "/v3/mail/batch", headers={"Authorization": f"Bearer {API_KEY}"}
    )
    resp = conn.getresponse()
    assert resp.status == 201
    batch_id = json.loads(resp.read())["batch_id"]
    conn.request(
        "GET",
        f"/v3/mail/batch/{batch_id}",
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    resp = conn.getresponse()
    assert resp.status == 200 and json.loads(resp.read()) == {"batch_id": batch_id}
    conn.close()


def test_validate_function_directly():
    assert validate_mail_send(base_body()) == []
    assert validate_mail_send([]) != []


# --------------------------------------------------------------------------- latency, faults, keep-alive


def test_latency_is_honoured():
    with FakeSendGrid(api_key=API_KEY, latency_ms=150) as fake:
        start = time.monotonic()
        resp = client(fake).client.mail.send.post(request_body=base_body())
        elapsed = time.monotonic() - start
    assert resp.status_code == 202
    assert elapsed >= 0.15


def test_fault_429_has_rate_limit_headers():
    with FakeSendGrid(api_key=API_KEY, fault_429=1.0, seed=1) as fake:
        before = int(time.time())
        status, headers, body = post_raw(fake, base_body())
        assert status == 429
        assert int(headers["X-RateLimit-Limit"]) > 0
        assert headers["X-RateLimit-Remaining"] == "0"
        assert before + 1 <= int(headers["X-RateLimit-Reset"]) <= int(time.time()) + 2
        assert json.loads(body)["errors"][0]["message"]
        with pytest.raises(HTTPError) as excinfo:
            client(fake).client.mail.send.post(request_body=base_body())
        assert excinfo.value.status_code == 429
        assert fake.accepted == []
        assert fake.stats["r429"] == 2 and fake.stats["requests"] == 2


def test_fault_500_and_drop():
    with FakeSendGrid(api_key=API_KEY, fault_500=1.0) as fake:
        assert post_raw(fake, base_body())[0] == 500
        fake.fault_500 = 0.0
        fake.fault_drop = 1.0
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            post_raw(fake, base_body())
        fake.fault_drop = 0.0
        assert post_raw(fake, base_body())[0] == 202
        stats = fake.stats
        assert (
            stats["r500"],
            stats["dropped"],
            stats["accepted"],
            stats["requests"],
        ) == (1, 1, 1, 3)
        assert len(fake.accepted) == 1


def test_fault_rates_roughly_respected():
    with FakeSendGrid(api_key=API_KEY, fault_429=0.3, fault_500=0.2, seed=7) as fake:
        conn = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=10)
        data = json.dumps(base_body())
        codes = []
        for _ in range(200):
            conn.request(
                "POST",
                "/v3/mail/send",
                body=data,
                headers={
                    "Authorization": f"Bearer {API_KEY}",
                    "Content-Type": "application/json",
                },
            )
            resp = conn.getresponse()
            resp.read()
            codes.append(resp.status)
        conn.close()
    assert set(codes) == {202, 429, 500}
    assert 30 <= codes.count(429) <= 90 and 15 <= codes.count(500) <= 65


def test_keep_alive_two_requests_one_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
    conn.request("POST", "/v3/mail/send", body=json.dumps(base_body()), headers=headers)
    r1 = conn.getresponse()
    assert r1.status == 202 and r1.version == 11
    assert r1.getheader("Content-Length") == "0"
    r1.read()
    sock = conn.sock
    assert sock is not None
    conn.request(
        "POST", "/v3/mail/send", body=json.dumps(base_body(subject="")), headers=headers
    )
    r2 = conn.getresponse()
    assert r2.status == 400  # an error response keeps the connection open too
    r2.read()
    conn.request("POST", "/v3/mail/send", body=json.dumps(base_body()), headers=headers)
    r3 = conn.getresponse()
    r3.read()
    assert r3.status == 202
    assert conn.sock is sock
    conn.close()
    assert server.stats["connections"] == 1
    assert server.stats["requests"] == 3


def test_stop_closes_idle_keep_alive_connections():
    fake = FakeSendGrid(api_key=API_KEY).start()
    conn = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    conn.request(
        "POST",
        "/v3/mail/send",
        body=json.dumps(base_body()),
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    conn.getresponse().read()
    fake.stop()
    conn.sock.settimeout(2)
    assert conn.sock.recv(1) == b""  # server side closed the idle connection
    conn.close()
