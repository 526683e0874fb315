"""Bad input at the HTTP level always answers a clear 4xx JSON error in the contract's shape and writes
nothing: oversized bodies, malformed JSON, arrays instead of objects, bytes that are not UTF-8, lone
surrogates, NUL characters, numbers beyond 32 bits, a wrong Content-Type, ids beyond the database's range."""
from __future__ import annotations

import pytest

from coordinator.contacts.models import Outlet
from coordinator.extensions import db

OUTLET = {"name": "Báo Quảng Ninh", "kind": "newspaper", "level": "provincial"}


def outlets() -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count(Outlet.id)))


def assert_error(response, status: int | tuple[int, ...]) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error


def post_raw(api, body: bytes, content_type: str = "application/json", path: str = "/api/v1/outlets"):
    return api.client.post(path, data=body, headers={**api.headers, "Content-Type": content_type})


def test_an_oversized_request_is_413_json_and_writes_nothing(app, api):
    previous = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        body = ('{"name": "' + "x" * 8000 + '", "kind": "tv", "level": "local"}').encode()
        error = assert_error(post_raw(api, body), 413)
        assert error["code"] == "payload_too_large"
        multipart = api.client.post("/api/v1/packs", headers=api.headers, content_type="multipart/form-data",
                                    data={"title": "x" * 8000})
        assert_error(multipart, 413)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = previous
    assert outlets() == 0


def test_the_default_limit_is_configured(app):
    assert app.config["MAX_CONTENT_LENGTH"] and app.config["MAX_CONTENT_LENGTH"] <= 50 * 1024 * 1024


@pytest.mark.parametrize("body", [b'{"name": "x", ', b"{'name': 'x'}", b"", b"nul", b'{"name": NaN}',
                                  b'{"duration_minutes": Infinity}', b"[" * 5000 + b"]" * 5000])
def test_malformed_json_is_400(api, body):
    assert assert_error(post_raw(api, body), 400)["code"] == "bad_request"
    assert outlets() == 0


@pytest.mark.parametrize("body", [b"[]", b'[{"name": "x", "kind": "tv", "level": "local"}]', b'"x"', b"42",
                                  b"null", b"true"])
def test_json_that_is_not_an_object_is_400_or_422(api, body):
    assert_error(post_raw(api, body), (400, 422))
    assert outlets() == 0


@pytest.mark.parametrize("body", [b'{"name": "B\xe1o", "kind": "tv", "level": "local"}',
                                  b'{"name": "\xff\xfe", "kind": "tv", "level": "local"}',
                                  b'{"name": "\xed\xa0\x80", "kind": "tv", "level": "local"}'])
def test_invalid_utf8_in_a_json_body_is_400(api, body):
    assert_error(post_raw(api, body), 400)
    assert outlets() == 0


@pytest.mark.parametrize("body", [b'{"name": "a\\ud800b", "kind": "tv", "level": "local"}',
                                  b'{"name": "a\\u0000b", "kind": "tv", "level": "local"}',
                                  b'{"\\udfff": 1, "name": "a", "kind": "tv", "level": "local"}'])
def test_lone_surrogates_and_nul_characters_are_rejected(api, body):
    assert_error(post_raw(api, body), (400, 422))
    assert outlets() == 0


def test_numbers_beyond_32_bits_are_422_with_the_field(api):
    body = {"full_name": "Nguyễn Văn An", "email": "an@baoqn.vn", "outlet_id": 2**63}
    error = assert_error(api.post("/api/v1/journalists", json=body), 422)
    assert "outlet_id" in error["fields"]
    error = assert_error(api.post("/api/v1/audience/resolve", json={"journalist_ids": [1, -(2**40)]}), 422)
    assert "journalist_ids" in error["fields"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_wrong_content_type_is_400_or_415(api, content_type):
    body = b'{"name": "B\xc3\xa1o", "kind": "tv", "level": "local"}'
    assert_error(post_raw(api, body, content_type), (400, 415))
    assert outlets() == 0


def test_a_missing_body_is_400(api):
    assert_error(api.client.post("/api/v1/outlets", headers=api.headers), (400, 415))
    assert outlets() == 0


@pytest.mark.parametrize("path", ["/api/v1/outlets/99999999999999999999999", "/api/v1/users/2147483648",
                                  "/api/v1/packs/36893488147419103233/approve"])
def test_ids_beyond_the_database_range_are_404(api, path):
    response = api.post(path) if path.endswith("approve") else api.get(path)
    assert assert_error(response, 404)["code"] == "not_found"


@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=0", "per_page=-1", "page=1e3", "page=%C2%B2"])
def test_bad_pagination_is_422(api, query):
    error = assert_error(api.get(f"/api/v1/outlets?{query}"), 422)
    assert set(error["fields"]) <= {"page", "per_page"}


@pytest.mark.parametrize("query", ["outlet_id=99999999999999999999", "outlet_id=-3", "outlet_id=abc"])
def test_bad_integer_filters_are_422(api, query):
    assert "outlet_id" in assert_error(api.get(f"/api/v1/journalists?{query}"), 422)["fields"]


@pytest.mark.parametrize("query", ["q=a%00b", "beat=%00", "status=active&q%00=1"])
def test_nul_in_a_query_is_400(api, query):
    assert_error(api.get(f"/api/v1/journalists?{query}"), 400)


def test_a_wrong_json_type_is_422_not_500(api):
    for body in ({"name": ["x"], "kind": "tv", "level": "local"}, {"name": {"a": 1}, "kind": 3, "level": None},
                 {"name": None, "kind": "tv", "level": "local"}):
        assert_error(api.post("/api/v1/outlets", json=body), 422)
    assert outlets() == 0


@pytest.mark.parametrize("path", ["/api/v1/briefings?from=0001-01-01&to=0002-01-01",
                                  "/api/v1/briefings?from=9999-12-30&to=9999-12-31",
                                  "/api/v1/reports/attendance?from=0001-01-01&to=0001-12-31"])
def test_dates_out_of_range_are_422(api, path):
    response = api.get(path)
    assert response.status_code == 422 and response.get_json()["error"]["fields"]


def test_urls_that_urllib_cannot_parse_are_422(api, office):
    outlet = api.post("/api/v1/outlets", json={"name": "Báo Thử", "kind": "radio", "level": "provincial",
                                              "website": "[\x87n"})
    assert outlet.status_code == 422 and "website" in outlet.get_json()["error"]["fields"]
    briefing = api.post("/api/v1/briefings", json={"title": "Họp báo", "dtstart": "2030-01-08T15:00",
                                                   "duration_minutes": 60, "online_url": "https://[::1",
                                                   "audience": {}})
    assert briefing.status_code == 422 and "online_url" in briefing.get_json()["error"]["fields"]
