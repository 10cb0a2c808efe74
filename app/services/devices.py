"""What a sign-in's user agent and address say about its device: a short name a person
recognises ("Firefox on Windows") and the network it came from (an IPv4 /24 or IPv6 /64).

Deliberately coarse: a browser update or a new address from the same provider must not
look like a new device, while a different browser, system or network does.
"""

from __future__ import annotations

import ipaddress
import re

# Checked in order: several browsers also name the engines they are built on (Edge says Chrome
# and Safari, Chrome says Safari), so the more specific ones come first.
_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(OPR|Opera)/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(Chrome|CriOS|HeadlessChrome|Chromium)/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/")),
    ("curl", re.compile(r"^curl/")),
    ("Python", re.compile(r"^(python-requests|python-httpx|Python-urllib|aiohttp)/")),
    ("okhttp", re.compile(r"^okhttp/")),
    ("Postman", re.compile(r"^PostmanRuntime/")),
)
_SYSTEMS = (
    ("iOS", re.compile(r"\b(iPhone|iPad|iPod)\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Linux", re.compile(r"\bLinux\b|\bX11\b")),
)
UNKNOWN = "an unknown device"


def _first(table: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> str:
    return next((name for name, pattern in table if pattern.search(text)), "")


def describe_device(user_agent: str | None) -> str:
    """'Firefox on Linux', 'Safari on iOS', 'curl', or 'an unknown device'."""
    text = (user_agent or "")[:512]
    browser, system = _first(_BROWSERS, text), _first(_SYSTEMS, text)
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"a browser on {system}" if system else UNKNOWN)


def network_of(ip: str | None) -> str:
    """The address's network: /24 for IPv4, /64 for IPv6; '' when there is no valid address."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def device_fingerprint(user_agent: str | None, ip: str | None) -> str:
    """The kind of device and its network, e.g. 'Firefox on Linux|192.0.2.0/24'; '' without an address."""
    network = network_of(ip)
    return f"{describe_device(user_agent)}|{network}" if network else ""
