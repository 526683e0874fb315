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

from coordinator.network.operations.adoption import (
    adopt_offer,
    contact_status_changed,
    is_linked,
    linked_group,
    network_origin,
    outlet_origin,
    propagate_suppression,
)
from coordinator.network.operations.common import network_offices
from coordinator.network.operations.offers import (
    adopted_offer_ids,
    directory,
    offer_contacts,
    offer_for,
    offers_of,
    shared_offer,
    visible_to,
    withdraw_offer,
)
from coordinator.network.operations.pack_copies import copy_pack, host_label, released_host_packs
from coordinator.network.operations.participation import (
    accept_point,
    decline_point,
    received_points,
    sync_local_briefing,
)
from coordinator.network.operations.points import (
    POINT_STATUS_NAMES,
    POINT_STATUS_TONES,
    accepted_points,
    invite_point,
    point_of_local,
    point_status_name,
    points_of,
    withdraw_point,
)
from coordinator.network.operations.trust import add_trust, is_trusted, remove_trust, trusts_of

__all__ = [
    "POINT_STATUS_NAMES", "POINT_STATUS_TONES", "accept_point", "accepted_points", "add_trust", "adopt_offer",
    "adopted_offer_ids", "contact_status_changed", "copy_pack", "decline_point", "directory", "host_label",
    "invite_point", "is_linked", "is_trusted", "linked_group", "network_offices", "network_origin", "offer_contacts",
    "offer_for", "offers_of", "outlet_origin", "point_of_local", "point_status_name", "points_of",
    "propagate_suppression", "received_points", "released_host_packs", "remove_trust", "shared_offer",
    "sync_local_briefing", "trusts_of", "visible_to", "withdraw_offer", "withdraw_point",
]
