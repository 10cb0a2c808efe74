"""app/services/recovery_code_factor.py: readable codes of 50 bits, read forgivingly, stored as keyed hashes."""

from __future__ import annotations

import math
import re

from app.services import recovery_code_factor
from app.services.recovery_code_factor import RecoveryCodeHasher
from app.stores.keyed_hash import KeyedHasher

USER = "6f0d9c1e-1111-4222-8333-944455556666"


def test_codes_carry_at_least_50_bits_grouped_for_reading():
    assert len(set(recovery_code_factor.ALPHABET)) == 32
    assert recovery_code_factor.LENGTH * math.log2(len(recovery_code_factor.ALPHABET)) >= 50
    codes = {recovery_code_factor.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"[0-9a-z]{5}-[0-9a-z]{5}", code) for code in codes)
    # Every character of the alphabet turns up: the draw is not biased towards a few.
    assert set("".join(codes).replace("-", "")) == set(recovery_code_factor.ALPHABET)


def test_typing_mistakes_that_do_not_matter():
    assert recovery_code_factor.normalize("7K3M9 Q2X4C") == "7k3m9q2x4c"
    assert recovery_code_factor.normalize("7k3m9-q2x4c") == "7k3m9q2x4c"
    assert recovery_code_factor.normalize("7k3m9q2x4c") == "7k3m9q2x4c"
    assert recovery_code_factor.normalize("Ol1i0-00000") == "01110" + "00000"


def test_what_cannot_be_a_code():
    for typed in ("", "7k3m9", "7k3m9-q2x4c-1", "7k3m9-q2x4u", "7k3m9_q2x4c", "١٢٣٤٥-٦٧٨٩٠", " 7k3m9-q2x4c",
                  "7k3m9-q2x4c\n", "7k3m9--q2x4c", "7k-3m9q2x4c"):
        assert recovery_code_factor.normalize(typed) is None, typed


def test_digests_are_keyed_and_bound_to_the_account():
    hasher = RecoveryCodeHasher([KeyedHasher("a" * 40)])
    code = recovery_code_factor.new_code()
    digest = hasher.digest(USER, code)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert code.replace("-", "") not in digest
    assert hasher.digest(USER, code.upper()) == digest
    assert hasher.digest("another-user", code) != digest
    assert RecoveryCodeHasher([KeyedHasher("b" * 40)]).digest(USER, code) != digest


def test_candidates_cover_the_fallback_keys_current_first():
    current, old = KeyedHasher("a" * 40), KeyedHasher("b" * 40)
    code = recovery_code_factor.new_code()
    candidates = RecoveryCodeHasher([current, old]).candidates(USER, code)
    assert candidates == [RecoveryCodeHasher([current]).digest(USER, code),
                          RecoveryCodeHasher([old]).digest(USER, code)]
