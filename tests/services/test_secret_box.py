"""app/services/secret_box.py: TOTP secrets sealed at rest, opened only with SECRET_KEY or a fallback."""

from __future__ import annotations

import pytest

from app.services.secret_box import SealedSecretUnreadable, SecretBox

KEY = "k" * 48
OLD = "o" * 48
OWNER = "6f0d9c1e-1111-4222-8333-944455556666"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_sealed_secret_opens_with_its_key_and_shows_nothing():
    sealed = SecretBox(KEY).seal(SECRET, OWNER)
    assert SECRET not in sealed and SECRET.lower() not in sealed.lower()
    assert sealed.startswith("v1:")
    assert SecretBox(KEY).open(sealed, OWNER) == (SECRET, False)


def test_each_seal_is_different():
    box = SecretBox(KEY)
    assert box.seal(SECRET, OWNER) != box.seal(SECRET, OWNER)


def test_another_key_or_owner_cannot_open_it():
    sealed = SecretBox(KEY).seal(SECRET, OWNER)
    with pytest.raises(SealedSecretUnreadable):
        SecretBox(OLD).open(sealed, OWNER)
    with pytest.raises(SealedSecretUnreadable):
        SecretBox(KEY).open(sealed, "another-owner")


def test_an_altered_value_does_not_open():
    sealed = SecretBox(KEY).seal(SECRET, OWNER)
    version, payload = sealed.split(":")
    flipped = payload[:-4] + ("A" if payload[-4] != "A" else "B") + payload[-3:]
    with pytest.raises(SealedSecretUnreadable):
        SecretBox(KEY).open(f"{version}:{flipped}", OWNER)
    with pytest.raises(SealedSecretUnreadable):
        SecretBox(KEY).open("v0:" + payload, OWNER)


def test_after_a_rotation_the_fallback_opens_it_and_asks_for_a_new_seal():
    sealed = SecretBox(OLD).seal(SECRET, OWNER)
    rotated = SecretBox(KEY, fallbacks=[OLD])
    assert rotated.open(sealed, OWNER) == (SECRET, True)
    assert rotated.open(rotated.seal(SECRET, OWNER), OWNER) == (SECRET, False)


def test_purposes_are_separate_keys():
    sealed = SecretBox(KEY, purpose="totp-secret").seal(SECRET, OWNER)
    with pytest.raises(SealedSecretUnreadable):
        SecretBox(KEY, purpose="something-else").open(sealed, OWNER)
