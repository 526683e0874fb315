"""Production concerns: pg_dump backup with a tested restore, and the core flow with four worker
processes at once."""
from __future__ import annotations

import email
import email.policy
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.support import domain
from tests.support.clock import clock_offset_env, subprocess_pythonpath
from tests.support.postgres import PostgresCluster
from tests.support.processes import ROOT, start_worker, stop_gracefully, wait_for


def flask(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def counts(conninfo: str) -> dict[str, int]:
    with psycopg.connect(conninfo) as conn:
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in ("office", "user", "journalist", "outlet", "schedule_series", "briefing", "audit_log")}


@pytest.mark.slow
@pytest.mark.db_independent
def test_pg_dump_backup_restores(tmp_path):
    cluster = PostgresCluster().start()
    try:
        source = cluster.create_database("briefings")
        env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": source, "SECRET_KEY": "deploy-test",
               "COORDINATOR_INSTANCE_PATH": str(tmp_path / "instance"), "REDIS_URL": "redis://127.0.0.1:1/0",
               "PYTHONPATH": subprocess_pythonpath(), **clock_offset_env()}
        flask(env, "db", "upgrade")
        flask(env, "demo-data", "--password", "demo-password-1")
        conninfo = f"host=127.0.0.1 port={cluster.port} user={cluster.user}"
        before = counts(f"{conninfo} dbname=briefings")
        assert before["journalist"] >= 300 and before["briefing"] > 0
        dump = cluster.root / "briefings.dump"  # a folder the postgres user may write (as root it runs as postgres)
        run_as = ["runuser", "-u", "postgres", "--"] if cluster.as_postgres else []
        subprocess.run([*run_as, str(cluster.bindir / "pg_dump"), "--format=custom", "--no-owner",
                        f"--file={dump}", f"{conninfo} dbname=briefings"], check=True)
        assert dump.stat().st_size > 10_000
        restored = cluster.create_database("briefings_restored")
        subprocess.run([*run_as, str(cluster.bindir / "pg_restore"), "--no-owner",
                        f"--dbname={conninfo} dbname=briefings_restored", str(dump)], check=True)
        assert counts(f"{conninfo} dbname=briefings_restored") == before
        restored_env = env | {"DATABASE_URL": restored}
        flask(restored_env, "db", "upgrade")  # a no-op on a dump of the same release
        token = flask(restored_env, "create-api-token", "admin@quangninh.gov.vn").strip()
        assert token.startswith("pbc_")
    finally:
        cluster.stop()


@pytest.mark.slow
def test_core_flow_with_four_workers(app, app_env, office, tmp_path):
    """A crisis briefing and a series invited at once, four worker processes sharing the work:
    every journalist gets each invitation exactly once."""
    people = domain.journalists(office, 60)
    env = app_env | {"MAIL_CONCURRENCY": "4"}
    workers = [start_worker(env, "--name", f"w{n}", log_path=tmp_path / f"w{n}.log") for n in range(4)]
    try:
        domain.adhoc(office, people[:40], crisis=True)
        domain.weekly_series(office, people[20:], lead_days=30)
        outbox = Path(app.config["OUTBOX_DIR"])
        wait_for(lambda: len(list(outbox.rglob("*.eml"))) >= 80, timeout=120,
                 message="80 invitations: " + (tmp_path / "w0.log").read_text()[-2000:])
        time.sleep(2)
    finally:
        for worker in workers:
            stop_gracefully(worker)
    keys = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["X-Coordinator-Key"]
            for p in outbox.rglob("*.eml")]
    assert len(keys) == 80 and len(set(keys)) == 80
