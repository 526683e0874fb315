"""The network of offices: trust, connection points, pack copies, shared contacts.

Functions flush, never commit (the request or the job commits once). What a point does with its
briefing (invitations, check-in, coverage, packs) goes through the normal schedule and packs
operations on its *local* briefing, so nothing else has to know about the network.

One module per use case; everything is re-exported here, so ``from coordinator.network import
operations as ops`` keeps working:

- ``common``: the acting user, chosen ids, the other offices of the installation;
- ``trust``: which offices may invite this one as a connection point;
- ``points``: the host's side of connection points (invite, withdraw);
- ``participation``: the point's side (accept, decline) and its local briefing following the host's;
- ``pack_copies``: a host's released pack copied to every point;
- ``offers``: contacts offered to the network, and the directory of offers made to this office;
- ``adoption``: offered contacts copied into an office, linked to their origin, suppression carried along.
"""
from __future__ import annotations

from coordinator.core.modules import reexport
from coordinator.network.operations import adoption, common, offers, pack_copies, participation, points, trust

__all__ = reexport(globals(), adoption, common, offers, pack_copies, participation, points, trust)
