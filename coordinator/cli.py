"""``flask --app wsgi ...`` commands (CONTRACT.md). Bad input: a clear message and exit code 1."""
from __future__ import annotations

import secrets
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from werkzeug.utils import import_string

from coordinator.core import uow
from coordinator.core.errors import DomainError
from coordinator.users.models import ROLES


def _fail(exc: DomainError) -> None:
    uow.rollback_unit()
    for field, message in exc.fields.items() or [("", exc.message)]:
        click.echo(f"Lỗi{f' ({field})' if field and field != '_' else ''}: {message}", err=True)
    sys.exit(1)


@click.command("create-office")
@click.argument("slug")
@click.argument("name")
@click.option("--timezone", default="Asia/Ho_Chi_Minh", show_default=True)
@click.option("--locale", default="vi", show_default=True)
@click.option("--sender-email", default=None)
@click.option("--country", default=None, help="ISO code whose public holidays apply (default: the time zone's)")
@with_appcontext
def create_office_command(slug: str, name: str, timezone: str, locale: str, sender_email: str | None,
                          country: str | None) -> None:
    """Create an office (tenant)."""
    from coordinator.offices.operations import create_office

    try:
        office = create_office(slug, name, timezone=timezone, locale=locale, sender_email=sender_email,
                               country=country)
        uow.commit_unit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Đã tạo cơ quan {office.slug} (id {office.id}).")


@click.command("create-user")
@click.argument("email")
@click.option("--office", "office_slug", required=True, help="Office slug")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", default=None, help="If omitted, the welcome mail carries a link to set one")
@click.option("--name", "full_name", default="")
@with_appcontext
def create_user_command(email: str, office_slug: str, role: str, password: str | None, full_name: str) -> None:
    """Create a staff user in an office."""
    from coordinator.offices.operations import get_office_by_slug
    from coordinator.users.operations import create_user

    office = get_office_by_slug(office_slug)
    if office is None:
        _fail(DomainError(fields={"office": f"Không có cơ quan với mã {office_slug!r}."}))
    try:
        user = create_user(office, email, role, password=password, full_name=full_name)
        uow.commit_unit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Đã tạo người dùng {user.email} ({user.role}) tại {office.slug}.")


@click.command("create-api-token")
@click.argument("email")
@click.option("--name", default="cli")
@click.option("--scope", type=click.Choice(["read_only", "read_write", "admin"]), default=None,
              help="Default: admin for an admin, else read_write.")
@click.option("--days", type=int, default=None, help="Lifetime in days (default 365, at most 730).")
@with_appcontext
def create_api_token_command(email: str, name: str, scope: str | None, days: int | None) -> None:
    """Print one new bearer token for EMAIL on stdout, nothing else."""
    from coordinator.users.operations import create_api_token, get_user_by_email

    user = get_user_by_email(email)
    if user is None:
        _fail(DomainError(fields={"email": f"Không có người dùng {email!r}."}))
    try:
        _, token = create_api_token(user, name, scope=scope, days=days)
    except DomainError as exc:
        _fail(exc)
    uow.commit_unit()
    click.echo(token)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Drain what is due (outbox included) and exit")
@click.option("--queue", "queues", multiple=True, help="Queues to listen on (default: all)")
@click.option("--no-periodic", is_flag=True, help="Do not run the periodic-job scheduler here")
@click.option("--name", default=None)
def worker_command(burst: bool, queues: tuple[str, ...], no_periodic: bool, name: str | None) -> None:
    """Run an RQ worker (with RQ's scheduler and the periodic-job scheduler)."""
    from coordinator.core import processes, tasks

    app = current_app._get_current_object()
    embedded = None
    if app.config["REDIS_EMBEDDED"] and not processes.redis_answers(app.config["REDIS_URL"]):
        from pathlib import Path

        socket_path = Path(app.config["REDIS_URL"].removeprefix("unix://"))
        embedded = processes.start_redis(unix_socket=socket_path, workdir=Path(app.instance_path))
        click.echo(f"Started the embedded Redis at {socket_path}", err=True)
    try:
        run_worker = import_string("jobs.worker.run_worker")
        run_worker(app, burst=burst, queues=queues or tasks.QUEUES, with_periodic=not no_periodic, name=name)
    finally:
        if embedded is not None:
            processes.stop(embedded)


@click.command("periodic-scheduler", hidden=True)
def periodic_scheduler_command() -> None:
    """Enqueue periodic jobs (one leader among all workers). Started by ``worker``."""
    from coordinator.core import processes

    processes.die_with_parent()
    import_string("jobs.schedule.run_scheduler")(current_app._get_current_object())


@click.command("demo-data")
@click.option("--password", default=None, help="Password for the demo staff (default: generated)")
@with_appcontext
def demo_data_command(password: str | None) -> None:
    """Load a believable province (idempotent: an existing demo office is left alone)."""
    from coordinator.demo import load_demo

    password = password or secrets.token_urlsafe(9)
    summary = load_demo(password)
    uow.commit_unit()
    click.echo(summary)


def init_app(app: Flask) -> None:
    for command in (create_office_command, create_user_command, create_api_token_command, worker_command,
                    periodic_scheduler_command, demo_data_command):
        app.cli.add_command(command)
