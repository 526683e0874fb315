"""The journalist portal's "Tài liệu đã phát hành": released packs this journalist received, each with
its personal download page."""
from __future__ import annotations

from coordinator.contacts.models import Journalist
from coordinator.packs.models import Pack
from coordinator.packs.reading import received_by
from coordinator.packs.tokens import download_token


def released_for(journalist: Journalist, limit: int = 20) -> list[tuple[Pack, str]]:
    return [(pack, download_token(pack, journalist)) for pack in received_by(journalist, limit=limit)]
