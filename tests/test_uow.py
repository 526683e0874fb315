"""One unit of work per request: commit once at the end, roll back on error, dispatch only after commit."""
from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import func, select

from coordinator.core import events, uow
from coordinator.core.errors import ValidationError
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.offices.models import Office


@pytest.fixture
def routes(make_app, monkeypatch):
    """An app with a few routes that change the database in the ways a view may."""
    dispatched: list = []
    monkeypatch.setattr(events, "dispatch", lambda pending: dispatched.extend(pending))
    app = make_app(UOW_STRICT=True)

    def change(name: str) -> None:
        office = db.session.scalar(select(Office))
        office.name = name
        events.emit("test.changed", office_id=office.id, payload={"name": name})

    @app.post("/t/ok")
    def ok():
        change("đã đổi")
        uow.after_commit(lambda: dispatched.append("callback"))
        return "ok"

    @app.post("/t/refused")
    def refused():
        change("không được lưu")
        raise ValidationError({"name": "Tên không hợp lệ."})

    @app.errorhandler(ValidationError)
    def _refused(exc):
        return exc.message, 422

    @app.post("/t/boom")
    def boom():
        change("không được lưu")
        raise RuntimeError("boom")

    @app.post("/t/abort")
    def aborted():
        change("không được lưu")
        abort(409)

    @app.post("/t/twice")
    def twice():
        change("lần một")
        db.session.commit()
        return "ok"

    @app.post("/t/counted-though-refused")
    def counted():
        change("đếm dù bị từ chối")
        uow.keep_even_if_refused()
        return "no", 403

    @app.post("/t/preview")
    def preview():
        with uow.dry_run():
            change("chỉ xem trước")
        return "ok"

    return app, dispatched


def office_name() -> str:
    db.session.expire_all()
    return db.session.scalar(select(Office.name))


def event_count() -> int:
    return db.session.scalar(select(func.count(OutboxEvent.id)))


def test_a_successful_request_commits_once_then_dispatches(routes, office):
    app, dispatched = routes
    assert app.test_client().post("/t/ok").status_code == 200
    assert office_name() == "đã đổi" and event_count() == 1
    assert len(dispatched) == 2 and "callback" in dispatched  # the event and the after-commit callback


@pytest.mark.parametrize(("path", "status"), [("/t/refused", 422), ("/t/abort", 409), ("/t/boom", 500)])
def test_a_refused_or_failed_request_keeps_nothing_and_sends_nothing(routes, office, path, status):
    app, dispatched = routes
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().post(path).status_code == status
    assert office_name() == office.name and event_count() == 0 and dispatched == []


def test_a_second_commit_in_a_request_fails_loudly(routes, office):
    app, _ = routes
    with pytest.raises(RuntimeError, match="committed 2 times"):
        app.test_client().post("/t/twice")


def test_keep_even_if_refused(routes, office):
    app, dispatched = routes
    assert app.test_client().post("/t/counted-though-refused").status_code == 403
    assert office_name() == "đếm dù bị từ chối" and len(dispatched) == 1


def test_dry_run_leaves_no_change_and_no_event(routes, office):
    app, dispatched = routes
    assert app.test_client().post("/t/preview").status_code == 200
    assert office_name() == office.name and event_count() == 0 and dispatched == []


def test_a_savepoint_is_not_the_commit(app, office, monkeypatch):
    """Releasing a savepoint dispatches nothing: only the unit's own commit does."""
    dispatched: list = []
    monkeypatch.setattr(events, "dispatch", lambda pending: dispatched.extend(pending))
    events.emit("test.changed", office_id=office.id)
    uow.after_commit(lambda: dispatched.append("callback"))
    with db.session.begin_nested():
        db.session.get(Office, office.id).name = "trong savepoint"
    assert dispatched == []
    db.session.commit()
    assert len(dispatched) == 2


def test_an_event_enqueued_before_its_time_is_put_back_not_dropped(app, office):
    """A worker whose clock is behind (or a copy enqueued early) must not drop the event for the sweep."""
    from datetime import timedelta

    from rq import Queue
    from rq.registry import ScheduledJobRegistry

    from coordinator.core import clock, tasks
    from jobs.outbox import run_event

    later = events.emit("test.later", office_id=office.id, due_at=clock.now() + timedelta(minutes=5))
    almost = events.emit("test.almost", office_id=office.id, due_at=clock.now() + timedelta(seconds=1))
    db.session.commit()
    registry = ScheduledJobRegistry(queue=Queue("default", connection=tasks.redis_connection()))
    before = set(registry.get_job_ids())

    assert run_event(later.id) == "not yet due"
    scheduled = set(registry.get_job_ids()) - before
    assert len(scheduled) == 1  # back in the queue for its due time
    assert events.claim(later.id) is None  # and not started early

    # Within the allowed clock skew an event counts as due: a worker a second behind takes it at once.
    taken = events.claim(almost.id)
    assert taken is not None and taken.id == almost.id
    assert run_event(almost.id) == "skipped"  # now held by that lease
