"""The client's address, parsed: what the per-IP limits count and the audit trail stores.

Compared as text, one client had many names (`2001:DB8::1`, `2001:0db8::1`,
`[2001:db8::1]:443`, `fe80::1%eth0`, `::ffff:198.51.100.7`, `198.51.100.7:80`),
each with a fresh per-IP bucket, and an IPv6 client owns a whole /64 anyway.
Here every address is parsed with `ipaddress` (ports, brackets and zone ids
dropped, IPv4-mapped IPv6 turned into IPv4) and counted per IPv4 address or
per IPv6 prefix (IPV6_RATE_LIMIT_PREFIX). A hop that does not parse, leading-zero
IPv4 included (`198.51.100.078`: octal or decimal is anyone's guess), is never a
new client: the hop to its right, the proxy that reported it, stands in.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address
from typing import TYPE_CHECKING

from flask import request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Address = IPv4Address | IPv6Address

# Where the middleware leaves the client's rate-limit bucket for the views (see client_bucket).
BUCKET_KEY = "otp_auth.client_bucket"
# The bucket of requests whose address is unknown (no REMOTE_ADDR, e.g. a Unix socket): one for all.
UNKNOWN_BUCKET = "unknown"


def parse_address(text: str) -> Address | None:
    """One address as a proxy or socket may spell it, or None when it is not one."""
    value = text.strip()
    if value.startswith("["):  # [v6] or [v6]:port
        value, closed, rest = value[1:].partition("]")
        if not closed or (rest and not (rest.startswith(":") and _is_port(rest[1:]))):
            return None
    elif value.count(":") == 1:  # v4:port (an IPv6 address has at least two colons)
        value, _, port = value.partition(":")
        if not _is_port(port):
            return None
    value = value.partition("%")[0]  # a zone id names the interface, not the client
    try:
        address = ip_address(value)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_port(text: str) -> bool:
    return text.isascii() and text.isdigit() and 0 < len(text) <= 5


def client_address(remote_addr: str, forwarded_for: str | None, trusted_proxies: int) -> Address | None:
    """The client's address: REMOTE_ADDR, or with trusted proxies the X-Forwarded-For hop
    the outermost of them wrote. Fewer hops than proxies: nothing is believed (as ProxyFix did)."""
    peer = parse_address(remote_addr)
    if not trusted_proxies or forwarded_for is None:
        return peer
    hops = forwarded_for.split(",")
    if len(hops) < trusted_proxies:
        return peer
    # Left to right from the client's hop, each next hop is the address of the proxy that wrote the one before.
    return _first_parsed(hops[-trusted_proxies:]) or peer


def _first_parsed(hops: Iterable[str]) -> Address | None:
    for hop in hops:
        address = parse_address(hop)
        if address is not None:
            return address
    return None


def rate_bucket(address: Address | None, ipv6_prefix: int) -> str:
    """What per-IP limits count: an IPv4 address, or the IPv6 network of `ipv6_prefix` bits around one."""
    if address is None:
        return UNKNOWN_BUCKET
    if isinstance(address, IPv4Address):
        return str(address)
    return str(IPv6Network((address, ipv6_prefix), strict=False))


class ClientAddressMiddleware:
    """Sets REMOTE_ADDR to the client's parsed address (removed when there is none) and
    BUCKET_KEY to its rate-limit bucket, before Flask sees the request."""

    def __init__(self, app: WSGIApplication, *, trusted_proxies: int, ipv6_prefix: int) -> None:
        self._app = app
        self._trusted = trusted_proxies
        self._prefix = ipv6_prefix

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        address = client_address(environ.get("REMOTE_ADDR", ""), environ.get("HTTP_X_FORWARDED_FOR"), self._trusted)
        if address is None:
            environ.pop("REMOTE_ADDR", None)
        else:
            environ["REMOTE_ADDR"] = str(address)
        environ[BUCKET_KEY] = rate_bucket(address, self._prefix)
        return self._app(environ, start_response)


def client_bucket() -> str:
    """The current request's rate-limit bucket (set by ClientAddressMiddleware)."""
    return str(request.environ.get(BUCKET_KEY, UNKNOWN_BUCKET))
