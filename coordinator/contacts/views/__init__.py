"""Staff pages of the contact network (``/contacts``): journalists, outlets, beats, lists, import.

One blueprint, ``bp`` (endpoints ``contacts.<view>``), with one module per resource; importing this package
registers every page on it.
"""
from __future__ import annotations

from coordinator.contacts.views import beats, imports, journalists, lists, outlets  # noqa: F401 (pages on bp)
from coordinator.contacts.views.common import bp

__all__ = ["bp"]
