"""One-time codes: exact length, digits only, leading zeros kept, drawn from the OS CSPRNG."""

from __future__ import annotations

import random
import secrets
from collections import Counter

import pytest

from app.services.otp import generate_code

SAMPLES = 10_000


@pytest.fixture(scope="module")
def codes() -> list[str]:
    return [generate_code(6) for _ in range(SAMPLES)]


@pytest.mark.parametrize("length", [4, 6, 8, 10])
def test_codes_have_exactly_the_configured_number_of_digits(length: int) -> None:
    for _ in range(200):
        code = generate_code(length)
        assert len(code) == length and code.isascii() and code.isdigit()


def test_leading_zeros_are_kept(codes: list[str]) -> None:
    # About a tenth of codes start with 0; a generator that drops them (or never draws them) fails here.
    assert all(len(code) == 6 for code in codes)
    assert any(code.startswith("0") for code in codes)
    assert any(code.startswith("00") for code in codes)


def test_every_digit_appears_in_every_position(codes: list[str]) -> None:
    # Chance that a fair source misses one digit in one position over 10,000 codes: 0.9**10000, i.e. never.
    for position in range(6):
        assert set(code[position] for code in codes) == set("0123456789"), position


def test_digits_are_roughly_uniform(codes: list[str]) -> None:
    # Each digit is expected 6,000 times in 60,000; the band is more than 20 standard deviations wide.
    counts = Counter("".join(codes))
    assert all(4_000 < counts[digit] < 8_000 for digit in "0123456789"), counts


def test_codes_come_from_the_secrets_module(monkeypatch: pytest.MonkeyPatch) -> None:
    draws: list[str] = []
    for name in ("randbelow", "choice", "randbits", "token_bytes", "token_hex"):
        real = getattr(secrets, name)

        def spy(*args: object, _real=real, _name=name) -> object:  # type: ignore[no-untyped-def]
            draws.append(_name)
            return _real(*args)

        monkeypatch.setattr(secrets, name, spy)

    assert generate_code(6).isdigit()
    assert draws


def test_reseeding_random_does_not_repeat_codes() -> None:
    # The `random` module is predictable; codes must not follow its seed.
    random.seed(1234)
    first = [generate_code(10) for _ in range(5)]
    random.seed(1234)
    assert [generate_code(10) for _ in range(5)] != first
