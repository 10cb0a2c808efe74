"""Password policy (length in code points, common list, not the email) and Argon2id hashing."""

from __future__ import annotations

from importlib import resources

import pytest
from argon2 import PasswordHasher

from app.services.passwords import PasswordPolicy, Passwords, common_passwords

FAST = {"time_cost": 1, "memory_cost_kib": 1024, "parallelism": 1}  # cheap Argon2, as in tests/conftest.py


@pytest.fixture(scope="module")
def passwords() -> Passwords:
    return Passwords(**FAST)


def ten_thousand_most_common() -> list[str]:
    text = resources.files("app.data").joinpath("common-passwords.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()][:10_000]


# --- policy -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("password", [
    "kq8#Zt2m",  # exactly 8
    "🦊" * 8,  # 8 code points, 32 UTF-8 bytes, 16 UTF-16 units
    "密码安全很重要吗",  # CJK
    "zq wv xk",  # spaces count as characters
    "my dog has fleas",
    "x" * 128,
    "🦊" * 128,  # 128 code points but 512 bytes: the limit is not in bytes
])
def test_acceptable_passwords(password: str) -> None:
    assert PasswordPolicy().problems(password) == []


@pytest.mark.parametrize(("password", "reason"), [
    ("kq8#Zt2", "at least 8"),
    ("🦊" * 7, "at least 8"),  # 28 bytes: length is not counted in bytes
    ("密码安全很重要", "at least 8"),
    ("x" * 129, "at most 128"),
    ("🦊" * 129, "at most 128"),
])
def test_length_counts_code_points(password: str, reason: str) -> None:
    [problem] = PasswordPolicy().problems(password)
    assert reason in problem


def test_length_limits_are_configurable() -> None:
    policy = PasswordPolicy(min_length=12, max_length=20)
    assert "at least 12" in policy.problems("kq8#Zt2mkq8")[0]
    assert policy.problems("kq8#Zt2mkq8#") == []
    assert "at most 20" in policy.problems("kq8#Zt2mkq8#Zt2mkq8#Z")[0]


def test_the_bundled_list_holds_at_least_ten_thousand_passwords() -> None:
    assert len(common_passwords()) >= 10_000


@pytest.mark.parametrize("password", ["password", "Password", "PASSWORD", "iloveyou", "ILoveYou", "12345678"])
def test_common_passwords_are_refused_ignoring_case(password: str) -> None:
    [problem] = PasswordPolicy().problems(password)
    assert "common" in problem


def test_every_long_enough_entry_of_the_top_ten_thousand_is_refused_in_any_case() -> None:
    policy = PasswordPolicy()
    candidates = [p for p in ten_thousand_most_common() if 8 <= len(p) <= 128]
    assert len(candidates) > 1000
    accepted = [p for p in candidates if not policy.problems(p) or not policy.problems(p.upper())]
    assert accepted == []


@pytest.mark.parametrize(("password", "email"), [
    ("alice@example.com", "alice@example.com"),
    ("Alice@Example.COM", "alice@example.com"),
    ("alice@example.com", "  ALICE@example.com "),
    (" alice@example.com ", "alice@example.com"),
])
def test_password_equal_to_the_email_is_refused(password: str, email: str) -> None:
    [problem] = PasswordPolicy().problems(password, email=email)
    assert "email" in problem


def test_password_merely_containing_the_email_is_allowed() -> None:
    assert PasswordPolicy().problems("alice@example.com rocks", email="alice@example.com") == []


@pytest.mark.parametrize(("password", "email"), [
    ("short", None), ("x" * 200, None), ("iloveyou", None), ("bob@example.org", "bob@example.org"),
])
def test_every_refusal_reads_as_advice(password: str, email: str | None) -> None:
    [problem] = PasswordPolicy().problems(password, email=email)
    assert len(problem) > 20 and problem[0].isupper() and problem.endswith(".")
    assert password not in problem  # never echo the secret back


# --- hashing ----------------------------------------------------------------------------------------------

def test_hashes_are_argon2id_and_verify(passwords: Passwords) -> None:
    hashed = passwords.hash("kq8#Zt2m 🦊 密码")
    assert hashed.startswith("$argon2id$")
    assert "kq8" not in hashed
    assert passwords.verify(hashed, "kq8#Zt2m 🦊 密码")
    assert not passwords.verify(hashed, "kq8#Zt2m 🦊 密")


def test_each_hash_is_salted(passwords: Passwords) -> None:
    assert passwords.hash("same password") != passwords.hash("same password")


def test_long_passwords_are_never_truncated(passwords: Passwords) -> None:
    base = "correct horse battery staple " * 4  # 116 characters
    first, second = base + "0" * 12, base + "0" * 11 + "1"
    assert len(first) == len(second) == 128 and first[:127] == second[:127]
    assert PasswordPolicy().problems(first) == []

    hashed = passwords.hash(first)
    assert passwords.verify(hashed, first)
    assert not passwords.verify(hashed, second)
    assert not passwords.verify(passwords.hash(second), first)


def test_the_configured_parameters_are_used() -> None:
    hashed = Passwords(time_cost=2, memory_cost_kib=2048, parallelism=1).hash("kq8#Zt2m")
    assert "$m=2048,t=2,p=1$" in hashed


def test_unset_parameters_fall_back_to_argon2_cffi_defaults() -> None:
    defaults = PasswordHasher()
    hashed = Passwords().hash("kq8#Zt2m")
    assert f"$m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}$" in hashed


def test_needs_rehash_only_for_other_parameters(passwords: Passwords) -> None:
    assert not passwords.needs_rehash(passwords.hash("kq8#Zt2m"))
    assert passwords.needs_rehash(Passwords(time_cost=2, memory_cost_kib=1024, parallelism=1).hash("kq8#Zt2m"))
    assert passwords.needs_rehash(Passwords(time_cost=1, memory_cost_kib=2048, parallelism=1).hash("kq8#Zt2m"))


def test_malformed_hash_does_not_verify(passwords: Passwords) -> None:
    assert passwords.verify("not-a-hash", "kq8#Zt2m") is False
    assert passwords.verify("$argon2id$v=19$m=1024,t=1,p=1$broken", "kq8#Zt2m") is False


def test_unknown_account_costs_one_real_verify_and_never_succeeds(
    passwords: Passwords, monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real_verify = PasswordHasher.verify

    def counting_verify(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
        calls.append(str(hash))
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    known = passwords.hash("kq8#Zt2m")
    calls.clear()

    assert passwords.verify(known, "wrong password") is False
    known_calls = len(calls)
    calls.clear()
    assert passwords.verify(None, "wrong password") is False
    assert len(calls) == known_calls == 1
    assert calls[0].startswith("$argon2id$v=19$m=1024,t=1,p=1$")  # a real hash at the same cost

    # Not even the dummy hash's own password opens an unknown account.
    assert passwords.verify(None, "dummy password for unknown accounts") is False
