"""Which addresses the feed fetcher may connect to: globally routable unicast ones only.

``ipaddress``'s ``is_global`` is the base (it refuses loopback, private networks, link-local, the shared
address space 100.64.0.0/10 where cloud metadata services such as 100.100.100.200 live, 192.0.0.0/24,
documentation ranges, ...). On top of it:

- multicast is refused (``is_global`` holds for 224.0.0.0/4);
- an IPv4-mapped IPv6 address (``::ffff:a.b.c.d``) is judged, and connected to, as its IPv4 address;
- IPv6 forms that carry an IPv4 address to a gateway are judged by that address too: 6to4 (2002::/16),
  NAT64 (64:ff9b::/96, allowed when its IPv4 address is public: DNS64 networks) and Teredo (2001::/32,
  server and client; refused anyway, as ``is_global`` says); the local-use NAT64 prefix
  (64:ff9b:1::/48), the deprecated IPv4-compatible form (``::a.b.c.d``) and site-local fec0::/10 are refused.
"""
from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
SHARED = ipaddress.IPv4Network("100.64.0.0/10")


def parse(text: str) -> IPAddress:
    """An address as ``getaddrinfo`` gives it (a zone ``%eth0`` kept), IPv4-mapped IPv6 turned into IPv4."""
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _kind(address: IPAddress) -> str | None:
    """Why this address itself is not public (its own range, embedded addresses aside), or None."""
    checks = (("is_unspecified", "unspecified"), ("is_loopback", "loopback"), ("is_link_local", "link-local"),
              ("is_multicast", "multicast"), ("is_private", "private network"), ("is_reserved", "reserved range"))
    for attribute, label in checks:
        if getattr(address, attribute):
            return label
    if isinstance(address, ipaddress.IPv4Address) and address in SHARED:
        return "shared address space (carrier-grade NAT, cloud metadata)"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "site-local"
    if not address.is_global:
        return "not globally routable"
    return None


def _embedded(address: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address hands traffic on to, with the mechanism's name."""
    out = []
    if address.sixtofour is not None:
        out.append(("6to4", address.sixtofour))
    if address in NAT64:
        out.append(("NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
    if address.teredo is not None:
        server, client = address.teredo
        out += [("Teredo server", server), ("Teredo client", client)]
    return out


def refusal(address: IPAddress) -> str | None:
    """Why the fetcher must not connect to ``address`` (a short English phrase), or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return refusal(address.ipv4_mapped)
        if address in LOCAL_NAT64:
            return "local-use NAT64 prefix"
        if address in IPV4_COMPATIBLE and int(address) > 1:
            return "deprecated IPv4-compatible form"
        for mechanism, inner in _embedded(address):
            why = _kind(inner)
            if why:
                return f"{mechanism} of {inner}, {why}"
        if address in NAT64:  # in ::/8, which ``ipaddress`` calls reserved: the IPv4 address decides
            return None
    return _kind(address)
