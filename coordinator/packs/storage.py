"""Where pack files live: a small interface, local disk under ``instance/uploads/<office_slug>/`` for now
(an S3-compatible store can implement the same four methods).

Names are always ours (``<office_slug>/<uuid hex>``); a name that does not have that shape is refused,
so nothing the user typed ever becomes a path.
"""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}/[0-9a-f]{32}$")


class Storage(Protocol):
    def save(self, office_slug: str, data: bytes) -> str: ...
    def open(self, name: str) -> BinaryIO: ...
    def delete(self, name: str) -> None: ...
    def size(self, name: str) -> int: ...


class LocalStorage:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        if not NAME_RE.match(name or ""):
            raise ValueError(f"not a storage name: {name!r}")
        return self.root / name

    def save(self, office_slug: str, data: bytes) -> str:
        name = f"{office_slug}/{uuid.uuid4().hex}"
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return name

    def open(self, name: str) -> BinaryIO:
        return open(self._path(name), "rb")  # noqa: SIM115 - the caller (send_file) closes it

    def delete(self, name: str) -> None:
        try:
            self._path(name).unlink()
        except FileNotFoundError:
            pass

    def size(self, name: str) -> int:
        return self._path(name).stat().st_size


# Files follow the database transaction: a file saved in a transaction that rolls back is removed,
# and a file deleted in a transaction is removed from disk only once that transaction commits.
_NEW = "coordinator.storage_new"
_DOOMED = "coordinator.storage_doomed"


def save_in_transaction(office_slug: str, data: bytes) -> str:
    from coordinator.extensions import db

    name = storage().save(office_slug, data)
    db.session.info.setdefault(_NEW, []).append((storage(), name))
    return name


def delete_after_commit(name: str) -> None:
    from coordinator.extensions import db

    db.session.info.setdefault(_DOOMED, []).append((storage(), name))


@event.listens_for(Session, "after_commit")
def _commit_files(session: Session) -> None:
    session.info.pop(_NEW, None)
    for store, name in session.info.pop(_DOOMED, []):
        store.delete(name)


@event.listens_for(Session, "after_rollback")
def _rollback_files(session: Session) -> None:
    session.info.pop(_DOOMED, None)
    for store, name in session.info.pop(_NEW, []):
        store.delete(name)


def storage() -> Storage:
    cache = current_app.extensions.setdefault("coordinator.pack_storage", {})
    if "storage" not in cache:
        root = current_app.config.get("PACK_UPLOAD_DIR") or os.path.join(current_app.instance_path, "uploads")
        cache["storage"] = LocalStorage(Path(root))
    return cache["storage"]
