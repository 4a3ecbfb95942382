"""The client's address, for the login lock-out (django-axes), the rate limits (django-ratelimit) and the audit.

Behind a proxy every connection comes from the proxy, so the client's own address is in X-Forwarded-For. That
header is believed only as far as it was written by a trusted proxy (``TRUSTED_PROXIES``, from
GROEIMODEL_TRUSTED_PROXIES): either a number of proxy hops in front of the app, or the proxies' addresses and
networks. Each proxy appends the address it saw to the header, so the chain is read from the right: the
connection's address, then the header's entries from last to first, and the first address that is not a trusted
proxy is the client. Whatever a client wrote into the header itself stands to the left of that and is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN = "0.0.0.0"  # a connection without a usable address (never seen under a real server)


def parse_trusted_proxies(value: str, *, behind_proxy: bool) -> int | tuple[str, ...]:
    """GROEIMODEL_TRUSTED_PROXIES as a hop count or a tuple of networks; raises ImproperlyConfigured when bad.

    Unset, it is 1 when the app runs behind the documented TLS proxy (GROEIMODEL_SECURE_PROXY), else 0."""
    value = value.strip()
    if not value:
        return 1 if behind_proxy else 0
    if value.isascii() and value.isdigit():
        return int(value)
    parts = tuple(part.strip() for part in value.split(",") if part.strip())
    for part in parts:
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"GROEIMODEL_TRUSTED_PROXIES must be a number of proxies or a comma-separated list of addresses "
                f"and networks (CIDR), got {part!r}"
            ) from None
    return parts


@lru_cache(maxsize=8)
def _networks(parts: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(part, strict=False) for part in parts)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``, as a plain IP address string."""
    peer = _address(str(request.META.get("REMOTE_ADDR", "")))
    if peer is None:
        return UNKNOWN
    trusted: int | tuple[str, ...] = getattr(settings, "TRUSTED_PROXIES", 0)
    if not trusted:
        return str(peer)
    forwarded = [entry for entry in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if entry.strip()]
    chain = [*forwarded, str(peer)]  # client … proxy nearest to us; the last one is the connection
    if isinstance(trusted, int):
        hops = min(trusted, len(chain) - 1)
        candidate = _address(chain[-1 - hops])
        return str(candidate) if candidate is not None else str(_address(chain[-hops]) or peer)
    networks = _networks(trusted)
    current = peer
    for entry in reversed(chain[:-1]):
        if not any(current in network for network in networks):
            break  # ``current`` is no proxy of ours: it is the client, and what it forwarded is its own word
        previous = _address(entry)
        if previous is None:
            break  # a garbled entry: the last trusted proxy is as far as we can see
        current = previous
    return str(current)


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit's key callable: the client's address."""
    return client_address(request)


def axes_client_ip(request: Any) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the client's address (axes may pass a request without META)."""
    if not hasattr(request, "META"):
        return UNKNOWN
    return client_address(request)
