"""The feed fetcher cannot be pointed inward (issue 26): only public unicast addresses (also inside
IPv4-mapped, 6to4, NAT64 and Teredo forms), each name resolved once per hop and the socket opened to the
address that was checked (DNS rebinding finds nothing to rebind), every redirect hop checked again,
redirects, time and bytes capped; ``MONITORING_ALLOW_PRIVATE`` and ``MONITORING_RESOLVE`` as before.

No test needs the internet: a fake network (``FakeNetwork``) answers the fetcher's lookups from a table
and opens sockets only to addresses the test routes, each to a local server; it records every lookup
and every connection, so a test sees which address was actually connected to.
"""
from __future__ import annotations

import gzip
import ipaddress
import socket
import ssl
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from coordinator.monitoring import addresses, fetch
from coordinator.monitoring.fetch import FetchError
from tests.servers.news_site import NewsSite, rss

pytestmark = pytest.mark.db_independent

PUBLIC = "93.184.216.34"  # globally routable; the fake network sends it to a local server
FEED = rss("Báo Tin – Thời sự", [{"title": "Khởi công cao tốc", "link": "http://tin.test/a.html",
                                   "summary": "Tuyến cao tốc dài 64 km.", "published": datetime.now(UTC)}])
REAL_RESOLVE = fetch.resolve_host
REAL_TLS = fetch.tls_context
REAL_GETADDRINFO = socket.getaddrinfo

NON_GLOBAL = [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.100.100.200", "100.64.0.1",
    "192.0.0.1", "224.0.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "2002:7f00:1::1",
    "64:ff9b::7f00:1",
    # and more of the same
    "255.255.255.255", "198.18.0.1", "240.0.0.1", "::", "ff02::1", "fec0::1", "::ffff:169.254.169.254",
    "::ffff:10.0.0.1", "2002:a9fe:a9fe::1", "2002:a00:1::1", "64:ff9b::a9fe:a9fe", "64:ff9b::6464:64c8",
    "64:ff9b:1::a00:1", "::7f00:1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1",
]
# 93.184.216.34 itself, IPv4-mapped, NAT64 (DNS64 networks), 6to4, and a native IPv6 address.
PUBLIC_FORMS = [PUBLIC, "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1", "2606:2800:220:1::1"]


class FakeNetwork:
    """Lookups answered from a table (one answer list per lookup, the last one kept), sockets opened only
    to routed ``(address, port)`` pairs (each to a local port); every lookup and connection recorded."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.routes: dict[tuple[str, int], int] = {}
        self.lookups: list[str] = []
        self.connects: list[tuple[str, int]] = []
        self.stray: list[str] = []  # names looked up behind the fetcher's back

    def answer(self, host: str, *answers: list[str]) -> None:
        self.answers[host] = [list(a) for a in answers]

    def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        try:
            return [str(ipaddress.ip_address(host))]  # a literal, as getaddrinfo does
        except ValueError:
            pass
        queue = self.answers.get(host)
        if not queue:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def open(self, address: str, port: int, timeout: float) -> socket.socket:
        self.connects.append((address, port))
        local = self.routes.get((address, port))
        if local is None:
            raise ConnectionRefusedError(111, "Connection refused")
        return socket.create_connection(("127.0.0.1", local), timeout=timeout)

    def guarded_getaddrinfo(self, host, *args, **kwargs):
        """``socket.getaddrinfo`` for everyone else: literals only (a name would be a second lookup)."""
        try:
            ipaddress.ip_address(host.decode() if isinstance(host, bytes) else host)
        except ValueError:
            self.stray.append(host)
            raise socket.gaierror(socket.EAI_NONAME, "looked up outside the fetcher's resolver") from None
        return REAL_GETADDRINFO(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def settings(monkeypatch):
    for name in ("MONITORING_ALLOW_PRIVATE", "MONITORING_RESOLVE", "MONITORING_MAX_FEED_BYTES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MONITORING_TIMEOUT", "5")


@pytest.fixture
def net(monkeypatch):
    network = FakeNetwork()
    monkeypatch.setattr(fetch, "resolve_host", network.resolve)
    monkeypatch.setattr(fetch, "open_socket", network.open)
    monkeypatch.setattr(socket, "getaddrinfo", network.guarded_getaddrinfo)
    return network


@pytest.fixture
def site(net):
    """The local news site, where the fake network sends ``PUBLIC`` port 80."""
    with NewsSite() as server:
        net.routes[(PUBLIC, 80)] = server.port
        yield server


@pytest.fixture(scope="module")
def inside():
    """A server standing for the inside of the network: no test may ever reach it."""
    with NewsSite() as server:
        server.page("tin.test", "/rss", FEED)
        yield server
        assert not server.hits


def _hits(site: NewsSite, count: int) -> list:
    """The site's hits once ``count`` are recorded (a hit is recorded just after its answer is sent)."""
    end = time.monotonic() + 3
    while len(site.hits) < count and time.monotonic() < end:
        time.sleep(0.01)
    return list(site.hits)


def _refused(url: str, code: str, hosts: set[str] | None = None, **options) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch.fetch(url, allowed_hosts=hosts or {fetch.host_of(url)}, **options)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- the address policy ---------------------------------------------------------------------------

@pytest.mark.parametrize("address", NON_GLOBAL)
def test_non_global_addresses_are_refused(address):
    assert addresses.refusal(addresses.parse(address))


@pytest.mark.parametrize("address", PUBLIC_FORMS)
def test_public_addresses_are_allowed(address):
    assert addresses.refusal(addresses.parse(address)) is None


def test_refusals_say_what_is_inside():
    assert addresses.refusal(addresses.parse("2002:7f00:1::1")) == "6to4 of 127.0.0.1, loopback"
    assert addresses.refusal(addresses.parse("64:ff9b::a9fe:a9fe")) == "NAT64 of 169.254.169.254, link-local"
    assert addresses.refusal(addresses.parse("::ffff:127.0.0.1")) == "loopback"
    assert "cloud metadata" in addresses.refusal(addresses.parse("100.100.100.200"))


# --- resolved once, connected to the checked address ------------------------------------------------

def test_the_checked_address_is_the_one_connected_to(site, net):
    site.page("tin.test", "/rss", FEED)
    net.answer("tin.test", [PUBLIC])
    result = fetch.fetch("http://tin.test/rss", allowed_hosts={"tin.test"})
    assert result.status == 200 and "Khởi công cao tốc" in result.body.decode()
    assert net.lookups == ["tin.test"] and net.connects == [(PUBLIC, 80)] and net.stray == []
    assert _hits(site, 1)[-1].headers["Host"] == "tin.test"  # the name, not the address


@pytest.mark.parametrize("address", PUBLIC_FORMS)
def test_every_public_form_is_connected_to_as_checked(site, net, address):
    pinned = str(addresses.parse(address))  # an IPv4-mapped answer is connected to as IPv4
    net.routes[(pinned, 80)] = site.port
    site.page("tin.test", "/rss", FEED)
    net.answer("tin.test", [address])
    assert fetch.fetch("http://tin.test/rss", allowed_hosts={"tin.test"}).status == 200
    assert net.connects == [(pinned, 80)]


def test_dns_rebinding_never_reaches_loopback(site, net):
    """The name answers a public address, then 127.0.0.1 (routed too: connecting there would work)."""
    net.routes[("127.0.0.1", 80)] = site.port
    site.page("tin.test", "/rss", FEED)
    net.answer("tin.test", [PUBLIC], ["127.0.0.1"])
    assert fetch.fetch("http://tin.test/rss", allowed_hosts={"tin.test"}).status == 200
    assert net.lookups == ["tin.test"] and net.connects == [(PUBLIC, 80)]  # one lookup; its address used
    error = _refused("http://tin.test/rss", "private_address")  # the next fetch sees the new answer
    assert "127.0.0.1" in error.message and "loopback" in error.message
    assert net.connects == [(PUBLIC, 80)] and len(_hits(site, 1)) == 1 and net.stray == []


def test_dns_rebinding_between_redirect_hops_is_refused(site, net):
    net.routes[("127.0.0.1", 80)] = site.port
    site.page("tin.test", "/rss", b"", status=302, location="/rss-moi")
    site.page("tin.test", "/rss-moi", FEED)
    net.answer("tin.test", [PUBLIC], ["127.0.0.1"])
    _refused("http://tin.test/rss", "private_address")
    assert net.lookups == ["tin.test", "tin.test"] and net.connects == [(PUBLIC, 80)]
    assert [hit.path for hit in _hits(site, 1)] == ["/rss"]


@pytest.mark.parametrize("address", NON_GLOBAL)
def test_a_name_answering_a_non_global_address_is_refused(inside, net, address):
    net.routes[(str(addresses.parse(address)), 80)] = inside.port  # would answer, were it connected to
    net.answer("tin.test", [address])
    error = _refused("http://tin.test/rss", "private_address")
    assert address in error.message
    assert net.connects == [] and not inside.hits


@pytest.mark.parametrize("address", ["127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::1", "100.100.100.200"])
def test_one_non_global_answer_among_public_ones_refuses_the_name(net, address):
    net.answer("tin.test", [PUBLIC, address])
    _refused("http://tin.test/rss", "private_address")
    assert net.connects == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/rss", "http://2130706433/rss", "http://0x7f.1/rss", "http://[::1]/rss",
    "http://[::ffff:127.0.0.1]/rss", "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/", "http://[2002:7f00:1::1]/", "http://[64:ff9b::7f00:1]/",
    "http://0.0.0.0/", "http://[fe80::1]/"])
def test_address_literals_are_refused_through_the_real_resolver(monkeypatch, net, url):
    monkeypatch.setattr(socket, "getaddrinfo", REAL_GETADDRINFO)
    monkeypatch.setattr(fetch, "resolve_host", REAL_RESOLVE)
    _refused(url, "private_address")
    assert net.connects == []


# --- redirects ------------------------------------------------------------------------------------

def test_a_redirect_to_an_allowed_name_on_a_private_address_is_refused(site, net):
    net.routes[("10.0.0.5", 80)] = site.port
    site.page("tin.test", "/rss", b"", status=302, location="http://noibo.tin.test/rss")
    site.page("noibo.tin.test", "/rss", FEED)
    net.answer("tin.test", [PUBLIC])
    net.answer("noibo.tin.test", ["10.0.0.5"])
    error = _refused("http://tin.test/rss", "private_address")
    assert "noibo.tin.test" in error.message and "10.0.0.5" in error.message
    assert net.connects == [(PUBLIC, 80)] and [hit.host for hit in _hits(site, 1)] == ["tin.test"]


@pytest.mark.parametrize("location", ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/",
                                      "http://100.100.100.200/latest/meta-data/"])
def test_a_redirect_to_a_metadata_address_is_refused_even_when_listed(site, net, location):
    """An office may list any domain for its outlet, an address too: the address check still holds."""
    site.page("tin.test", "/rss", b"", status=301, location=location)
    net.answer("tin.test", [PUBLIC])
    _refused("http://tin.test/rss", "private_address", {"tin.test", fetch.host_of(location)})
    assert net.connects == [(PUBLIC, 80)]


@pytest.mark.parametrize(("location", "code"), [("http://khac.test/rss", "redirect_refused"),
                                                ("file:///etc/passwd", "redirect_refused"),
                                                ("ftp://tin.test/rss", "bad_url")])
def test_redirects_stay_on_the_allowed_hosts_and_on_http(site, net, location, code):
    site.page("tin.test", "/rss", b"", status=302, location=location)
    net.answer("tin.test", [PUBLIC])
    net.answer("khac.test", [PUBLIC])
    _refused("http://tin.test/rss", code)
    assert net.connects == [(PUBLIC, 80)]


def test_redirects_are_capped_and_each_hop_resolved_again(site, net):
    for n in range(10):
        site.page("tin.test", f"/r{n}", b"", status=302, location=f"/r{n + 1}")
    net.answer("tin.test", [PUBLIC])
    _refused("http://tin.test/r0", "redirect_loop")
    hops = fetch.MAX_REDIRECTS + 1
    assert len(_hits(site, hops)) == hops and net.lookups == ["tin.test"] * hops
    assert net.connects == [(PUBLIC, 80)] * hops
    site.page("tin.test", f"/r{fetch.MAX_REDIRECTS}", FEED)  # five redirects are still followed
    result = fetch.fetch("http://tin.test/r0", allowed_hosts={"tin.test"})
    assert result.status == 200 and result.url == f"http://tin.test/r{fetch.MAX_REDIRECTS}"


# --- one deadline, bytes capped -----------------------------------------------------------------------

class RawServer:
    """A TCP server on 127.0.0.1 writing each answer by hand: ``handler(conn)`` after the request's head."""

    def __init__(self, handler) -> None:
        self.handler = handler
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()

    def __enter__(self) -> RawServer:
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.sock.close()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head and (data := conn.recv(4096)):
                head += data
            try:
                self.handler(conn)
            except OSError:  # the fetcher hung up
                pass


def _drip(conn: socket.socket, head: bytes, tail: bytes) -> None:
    conn.sendall(head)
    for byte in tail:
        time.sleep(0.1)
        conn.sendall(bytes([byte]))


DRIPS = {
    "headers": lambda conn: _drip(conn, b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + b"a" * 100 + b"\r\n\r\n"),
    "body with a length": lambda conn: _drip(conn, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", b"a" * 100),
    "body without a length": lambda conn: _drip(conn, b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", b"a" * 100),
}


@pytest.mark.parametrize("part", sorted(DRIPS))
def test_a_server_that_drips_is_cut_off_at_the_deadline(monkeypatch, net, part):
    monkeypatch.setenv("MONITORING_TIMEOUT", "1")
    with RawServer(DRIPS[part]) as server:
        net.routes[(PUBLIC, 80)] = server.port
        net.answer("tin.test", [PUBLIC])
        started = time.monotonic()
        error = _refused("http://tin.test/rss", "timeout")
        assert time.monotonic() - started < 2.5, "each read got its own timeout"
        assert error.message == "No answer within 1 s"


def test_the_deadline_covers_every_redirect_hop(site, net, monkeypatch):
    monkeypatch.setenv("MONITORING_TIMEOUT", "1")
    for n in range(4):  # 4 x 0.4 s: each hop well within 1 s, the whole not
        site.page("tin.test", f"/s{n}", b"", status=302, location=f"/s{n + 1}", delay=0.4)
    site.page("tin.test", "/s4", FEED)
    net.answer("tin.test", [PUBLIC])
    started = time.monotonic()
    _refused("http://tin.test/s0", "timeout")
    assert time.monotonic() - started < 1.8


def test_a_resolver_that_hangs_is_bounded_by_the_deadline(monkeypatch, net):
    monkeypatch.setenv("MONITORING_TIMEOUT", "0.5")
    monkeypatch.setattr(fetch, "resolve_host", lambda host, port: time.sleep(3) or [PUBLIC])
    started = time.monotonic()
    _refused("http://tin.test/rss", "timeout")
    assert time.monotonic() - started < 1.5 and net.connects == []


def _gzip_answer(body: bytes):
    packed = gzip.compress(body)

    def answer(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: gzip\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(packed) + packed)
    return answer


def test_compressed_bodies_are_decoded_and_capped_after_decoding(monkeypatch, net):
    monkeypatch.setenv("MONITORING_MAX_FEED_BYTES", "1000000")
    net.answer("tin.test", [PUBLIC])
    with RawServer(_gzip_answer(FEED.encode())) as server:
        net.routes[(PUBLIC, 80)] = server.port
        assert fetch.fetch("http://tin.test/rss", allowed_hosts={"tin.test"}).body == FEED.encode()
    with RawServer(_gzip_answer(b"\0" * 50_000_000)) as server:  # 50 MB in about 50 kB on the wire
        net.routes[(PUBLIC, 80)] = server.port
        error = _refused("http://tin.test/rss", "too_large")
        assert error.message == "Larger than 1000000 bytes"


def test_the_byte_cap_still_holds_for_plain_bodies(site, net, monkeypatch):
    monkeypatch.setenv("MONITORING_MAX_FEED_BYTES", "1000")
    site.page("tin.test", "/rss", b"x" * 5000)
    net.answer("tin.test", [PUBLIC])
    _refused("http://tin.test/rss", "too_large")


# --- TLS: the name for SNI and the certificate, the checked address for the socket -----------------------

@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    """A test certificate authority and a certificate it signed for ``tin.test``: PEM paths."""
    folder = tmp_path_factory.mktemp("tls")
    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tin.test")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("tin.test")]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {"ca": folder / "ca.pem", "cert": folder / "cert.pem", "key": folder / "key.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


def test_tls_checks_the_name_at_the_pinned_address(monkeypatch, net, authority):
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(authority["cert"], authority["key"])
    names: list[str | None] = []
    server_context.sni_callback = lambda sock, name, context: names.append(name)
    tls_site = NewsSite()
    tls_site.server.socket = server_context.wrap_socket(tls_site.server.socket, server_side=True)
    with tls_site:
        tls_site.page("tin.test", "/rss", FEED)
        tls_site.page("khac.test", "/rss", FEED)
        net.routes[(PUBLIC, 443)] = tls_site.port
        net.answer("tin.test", [PUBLIC])
        net.answer("khac.test", [PUBLIC])
        monkeypatch.setattr(fetch, "tls_context", lambda: ssl.create_default_context(cafile=str(authority["ca"])))

        result = fetch.fetch("https://tin.test/rss", allowed_hosts={"tin.test"})
        assert result.status == 200 and result.url == "https://tin.test/rss"
        assert names == ["tin.test"] and net.connects == [(PUBLIC, 443)]
        assert _hits(tls_site, 1)[-1].headers["Host"] == "tin.test"

        # The certificate is checked against the name asked for, not against the address connected to.
        error = _refused("https://khac.test/rss", "tls")
        assert "khac.test" in error.message
        # An authority the fetcher does not trust is refused too.
        monkeypatch.setattr(fetch, "tls_context", REAL_TLS)
        _refused("https://tin.test/rss", "tls")
        assert len(_hits(tls_site, 1)) == 1


# --- the settings kept ----------------------------------------------------------------------------

def test_allow_private_lets_a_local_server_through_still_pinned(site, net, monkeypatch):
    net.routes[("127.0.0.1", site.port)] = site.port
    site.page("tin.test", "/rss", FEED)
    net.answer("tin.test", ["127.0.0.1"])
    url = f"http://tin.test:{site.port}/rss"
    _refused(url, "private_address")
    monkeypatch.setenv("MONITORING_ALLOW_PRIVATE", "1")
    assert fetch.fetch(url, allowed_hosts={"tin.test"}).status == 200
    assert net.connects == [("127.0.0.1", site.port)]
    assert _hits(site, 1)[-1].headers["Host"] == f"tin.test:{site.port}"


def test_monitoring_resolve_still_fixes_the_address(site, net, monkeypatch):
    """Test rigs and outlets reached through a known address: no lookup, plain HTTP at that address."""
    monkeypatch.setenv("MONITORING_RESOLVE", site.resolve("tin.test"))
    net.routes[("127.0.0.1", site.port)] = site.port
    site.page("tin.test", "/rss", FEED)
    result = fetch.fetch("https://tin.test/rss", allowed_hosts={"tin.test"})
    assert result.status == 200 and result.url == "https://tin.test/rss"
    assert net.lookups == [] and net.connects == [("127.0.0.1", site.port)]
    assert _hits(site, 1)[-1].headers["Host"] == "tin.test"
