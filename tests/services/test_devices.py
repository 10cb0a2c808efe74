"""Naming a sign-in's device from its user agent, and its network from its address."""

from __future__ import annotations

import pytest

from app.services.devices import UNKNOWN, describe_device, device_fingerprint, network_of


@pytest.mark.parametrize(("user_agent", "named"), [
    ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Linux"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Safari/537.36", "Chrome on Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Safari/537.36 Edg/126.0.2592.87", "Edge on Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Safari/605.1.15", "Safari on macOS"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iOS"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Mobile Safari/537.36", "Chrome on Android"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 "
     "Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"),
    ("curl/8.5.0", "curl"),
    ("python-requests/2.32.3", "Python"),
    ("okhttp/4.12.0", "okhttp"),
    ("Mozilla/5.0 (X11; Linux x86_64) SomethingNew/1.0", "a browser on Linux"),
    ("", UNKNOWN),
    (None, UNKNOWN),
])
def test_devices_are_named_as_a_person_would_recognise_them(user_agent, named):
    assert describe_device(user_agent) == named


def test_networks_are_an_ipv4_24_or_an_ipv6_64():
    assert network_of("192.0.2.77") == "192.0.2.0/24"
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert network_of("::ffff:192.0.2.77") == "192.0.2.0/24"  # an IPv4 client seen through an IPv6 socket
    for nothing in ("", None, "not an address", "192.0.2.300"):
        assert network_of(nothing) == ""


def test_a_fingerprint_needs_an_address_and_ignores_versions_and_hosts_of_one_network():
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    newer = firefox.replace("128.0", "129.0")
    assert device_fingerprint(firefox, "192.0.2.1") == device_fingerprint(newer, "192.0.2.254")
    assert device_fingerprint(firefox, "192.0.2.1") != device_fingerprint(firefox, "192.0.3.1")
    assert device_fingerprint(firefox, "") == ""
