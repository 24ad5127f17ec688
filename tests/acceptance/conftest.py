"""Acceptance-test set-up: argon2 with the cheapest parameters, so that logins cost milliseconds, not seconds."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from service import accounts
from tests import factories

# Production keeps argon2's default cost; these tests only need a real argon2 hash, not a costly one.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", _CHEAP)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", _CHEAP.hash("juara-dummy-password-for-timing"))
    # The factories cache one hash for every test user; make it with the same parameters.
    monkeypatch.setattr(factories, "_HASH", _CHEAP.hash(factories._PASSWORD))
