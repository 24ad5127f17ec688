"""Accounts: password hashing, bearer tokens, login throttling, users and roles."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from tortoise import connections
from tortoise.transactions import in_transaction

from service import audit, workers
from service.config import get_settings
from service.db import sql
from service.enums import Role
from service.errors import Forbidden, Problems, UserErrorCode, UserInputError
from service.models import AuthToken, Institution, LoginThrottle, User
from service.security import Actor

_hasher = PasswordHasher()
# Verified against when the username does not exist, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("juara-dummy-password-for-timing")

MIN_PASSWORD_LENGTH = 10
LOGIN_FAILED_MESSAGE = "Nama pengguna atau kata sandi salah."
RATE_LIMITED_MESSAGE = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit."


# The slow-down of repeated failures; a name of its own so tests can observe it without waiting.
_pause = asyncio.sleep


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_for(user: User, institution_path: str | None, token_id: int | None = None) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        institution_id=user.institution_id,
        institution_path=institution_path,
        token_id=token_id,
    )


async def issue_token(user: User, connection=None) -> str:
    token = secrets.token_urlsafe(32)  # 256 bits
    await AuthToken.create(
        token_hash=hash_token(token),
        user=user,
        expires_at=now() + dt.timedelta(hours=get_settings().token_ttl_hours),
        using_db=connection,
    )
    return token


_AUTHENTICATE_SQL = (
    "SELECT t.id, u.id, u.username, u.role, u.institution_id, i.path FROM auth_token t "
    "JOIN app_user u ON u.id = t.user_id LEFT JOIN institution i ON i.id = u.institution_id "
    "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.is_active = ?"
)


async def authenticate(token: str | None) -> Actor | None:
    """The actor behind a bearer token, or None when it is unknown, expired, revoked or its user inactive.

    Asked on every authenticated request: one statement reading the six values an actor holds, rather than
    three ORM objects."""
    if not token:
        return None
    expires = AuthToken._meta.fields_map["expires_at"]
    _, rows = await connections.get("default").execute_query(
        sql(_AUTHENTICATE_SQL), [hash_token(token), expires.to_db_value(now(), AuthToken), True])
    if not rows:
        return None
    token_id, user_id, username, role, institution_id, path = tuple(rows[0])
    return Actor(user_id=user_id, username=username, role=Role(role), institution_id=institution_id,
                 institution_path=path, token_id=token_id)


# --- login throttling, counted in the database so every worker sees the same numbers ----------
#
# The attempt is counted before the password is checked, in one statement: however many requests guess at
# once, only `login_max_failures` of them reach the check in a window; the others are refused. Failures
# from one address (a sprayer trying many usernames) are not a lockout, which would lock out everyone behind
# the same NAT or proxy: past `login_ip_max_failures` each further attempt from the address waits longer.

_COUNT_SQL = (
    "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES (?, 1, ?, NULL) "
    "ON CONFLICT (key) DO UPDATE SET "
    "failures = CASE WHEN login_throttle.window_start < ? THEN 1 ELSE login_throttle.failures + 1 END, "
    "window_start = CASE WHEN login_throttle.window_start < ? THEN ? ELSE login_throttle.window_start END "
    "RETURNING failures"
)


async def _locked_for(keys: list[str]) -> dt.datetime | None:
    rows = cast(list[dt.datetime],  # Tortoise types values_list(flat=True) as tuples
                await LoginThrottle.filter(key__in=keys, locked_until__gt=now()).values_list("locked_until", flat=True))
    return max(rows) if rows else None


async def _count(key: str, conn=None) -> int:
    """Count one attempt (or failure) of `key` in the current window; the new count, atomically."""
    s = get_settings()
    t = now()
    window_start = t - dt.timedelta(seconds=s.login_window_seconds)
    conn = conn or connections.get("default")
    rows = await conn.execute_query_dict(sql(_COUNT_SQL), [key, t, window_start, window_start, t])
    return int(rows[0]["failures"])


async def _lock(key: str, conn=None) -> None:
    s = get_settings()
    await LoginThrottle.filter(key=key).using_db(conn).update(
        locked_until=now() + dt.timedelta(seconds=s.login_lockout_seconds)
    )


def _rate_limited(locked: dt.datetime | None = None) -> UserInputError:
    seconds = (locked - now()).total_seconds() if locked else get_settings().login_lockout_seconds
    minutes = max(1, int(seconds // 60) + 1)
    return UserInputError.one(None, UserErrorCode.RATE_LIMITED, RATE_LIMITED_MESSAGE.format(minutes=minutes))


async def _reserve_attempt(key: str, limit: int) -> int:
    """Count an attempt of `key` before its password is checked; refused once `limit` are counted."""
    locked = await _locked_for([key])
    if locked is not None:
        raise _rate_limited(locked)
    async with in_transaction() as conn:
        attempts = await _count(key, conn)
        if attempts > limit:
            await _lock(key, conn)
    if attempts > limit:
        raise _rate_limited()
    return attempts


async def _address_delay(ip_key: str | None) -> None:
    """Slow an address whose failures passed the per-address limit (1/10 s more per failure, at most 3 s)."""
    s = get_settings()
    if not ip_key or s.login_slowdown_ms <= 0:
        return
    row = await LoginThrottle.filter(
        key=ip_key, window_start__gt=now() - dt.timedelta(seconds=s.login_window_seconds)
    ).first()
    excess = row.failures - s.login_ip_max_failures if row else 0
    if excess >= 0 and row is not None:
        await _pause(min(s.login_slowdown_ms * (excess + 1), s.login_ip_max_delay_ms) * 0.001)  # ms to seconds


async def check_password(password_hash: str, password: str) -> bool:
    """verify_password in the hashing pool: argon2 costs tens of milliseconds of CPU by design."""
    return await workers.hashing.run(verify_password, password_hash, password)


async def login(username: str, password: str, client_ip: str | None = None) -> tuple[str, User]:
    s = get_settings()
    username = (username or "").strip()
    # Usernames are at most 64 characters; a longer one cannot exist but still counts (and fits the key).
    user_key = f"user:{username.lower()[:100]}"
    ip_key = f"ip:{client_ip[:100]}" if client_ip else None
    await _address_delay(ip_key)
    attempts = await _reserve_attempt(user_key, s.login_max_failures)

    user = await User.filter(username=username).first() if len(username) <= 64 else None
    ok = await check_password(user.password_hash if user else _DUMMY_HASH, password or "")
    if not ok or user is None or not user.is_active:
        async with in_transaction() as conn:
            if attempts >= s.login_max_failures:
                await _lock(user_key, conn)
            if ip_key:
                await _count(ip_key, conn)
            await audit.record(
                None, "login.failed", "User", user.id if user else None,
                after={"username": username[:64], "failures": attempts}, connection=conn,
            )
        # Slow down repeated failures before the lockout refuses them outright.
        if attempts > 2 and s.login_slowdown_ms > 0:
            await _pause(min(s.login_slowdown_ms * (attempts - 2), 1000) * 0.001)  # ms to seconds
        raise UserInputError.one(None, UserErrorCode.INVALID, LOGIN_FAILED_MESSAGE)

    await LoginThrottle.filter(key=user_key).delete()
    async with in_transaction() as conn:
        token = await issue_token(user, conn)
        await audit.record(actor_for(user, None), "login", "User", user.id, connection=conn)
    return token, user


async def logout(actor: Actor) -> bool:
    if actor.token_id is None:
        return False
    async with in_transaction() as conn:
        n = await AuthToken.filter(id=actor.token_id, revoked_at__isnull=True).using_db(conn).update(revoked_at=now())
        await audit.record(actor, "logout", "User", actor.user_id, connection=conn)
    return n > 0


def validate_password(problems: Problems, password: str, field: str = "password") -> None:
    # Spaces count only inside a password: ten spaces, or "  abc  ", are too weak to accept.
    if not password or not password.strip():
        problems.add(field, UserErrorCode.REQUIRED, "Kata sandi wajib diisi (tidak boleh hanya spasi).")
    elif len(password.strip()) < MIN_PASSWORD_LENGTH:
        problems.add(field, UserErrorCode.INVALID,
                     f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter, tidak termasuk spasi di awal dan akhir.")


async def create_user(
    actor: Actor | None,
    *,
    username: str,
    password: str,
    full_name: str,
    role: Role,
    institution_id: int | None = None,
    initials: str | None = None,
) -> User:
    if actor is not None and not actor.can_manage:
        raise Forbidden()
    problems = Problems()
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    if not username:
        problems.add("username", UserErrorCode.REQUIRED, "Nama pengguna wajib diisi.")
    elif len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        problems.add(
            "username", UserErrorCode.INVALID,
            "Nama pengguna hanya boleh berisi huruf, angka, titik, garis bawah, atau tanda hubung (maks. 64).",
        )
    elif await User.filter(username=username).exists():
        problems.add("username", UserErrorCode.DUPLICATE, f"Nama pengguna '{username}' sudah dipakai.")
    if not full_name:
        problems.add("fullName", UserErrorCode.REQUIRED, "Nama lengkap wajib diisi.")
    validate_password(problems, password)
    initials = check_initials(problems, initials)
    institution = None
    if institution_id is not None:
        institution = await Institution.filter(id=institution_id).first()
        if institution is None:
            problems.add("institutionId", UserErrorCode.NOT_FOUND, "Instansi tidak ditemukan.")
    elif role == Role.CONTRIBUTOR:
        problems.add("institutionId", UserErrorCode.REQUIRED, "Kontributor wajib terhubung dengan satu instansi.")
    problems.raise_if_any()
    password_hash = await workers.hashing.run(hash_password, password)
    async with in_transaction() as conn:
        user = await User.create(
            username=username,
            password_hash=password_hash,
            full_name=full_name,
            initials_override=initials,
            role=role,
            institution=institution,
            using_db=conn,
        )
        await audit.record(
            actor, "user.create", "User", user.id,
            after={"username": username, "fullName": full_name, "role": role, "institutionId": institution_id},
            connection=conn,
        )
    return user


def valid_initials(initials: str) -> bool:
    """A byline's initials: 2–4 capital ASCII letters, and never the placeholder 'XX'."""
    return 2 <= len(initials) <= 4 and initials.isascii() and initials.isalpha() and initials.isupper() \
        and initials != "XX"


INITIALS_MESSAGE = "Inisial harus 2 sampai 4 huruf kapital (bukan XX), misalnya LPU."


def check_initials(problems: Problems, initials: str | None) -> str | None:
    """Initials as given for an account, upper-cased; None (follow the full name) when empty."""
    cleaned = (initials or "").strip().upper() or None
    if cleaned is not None and not valid_initials(cleaned):
        problems.add("initials", UserErrorCode.INVALID, INITIALS_MESSAGE)
    return cleaned


_KEEP: Any = object()  # an argument not given: the value stays as it is


async def update_user(actor: Actor, user_id: int, *, full_name: Any = _KEEP, initials: Any = _KEEP) -> User:
    """An administrator corrects an account's full name or byline initials (None or "": from the full name).

    Later bylines take the new initials (the press reads them when it signs a draft); text already written
    keeps the byline it was signed with. Role and institution are not changed here: no rule yet says what
    becomes of the last administrator, of a contributor left without an institution, or of the drafts and
    quote requests an account holds when its scope moves; deactivate the account and create another.
    """
    if not actor.can_manage:
        raise Forbidden()
    user = await User.filter(id=user_id).first()
    if user is None:
        raise UserInputError.one("id", UserErrorCode.NOT_FOUND, "Pengguna tidak ditemukan.")
    problems = Problems()
    values: dict[str, Any] = {}
    if full_name is not _KEEP:
        name = (full_name or "").strip()
        if not name:
            problems.add("fullName", UserErrorCode.REQUIRED, "Nama lengkap wajib diisi.")
        elif len(name) > 200:
            problems.add("fullName", UserErrorCode.INVALID, "Nama lengkap paling panjang 200 karakter.")
        values["full_name"] = name
    if initials is not _KEEP:
        values["initials_override"] = check_initials(problems, initials)
    problems.raise_if_any()
    before = {"fullName": user.full_name, "initials": user.initials_override}
    changed = {k: v for k, v in values.items() if getattr(user, k) != v}
    if not changed:
        return user
    async with in_transaction() as conn:
        await User.filter(id=user.id).using_db(conn).update(**changed)
        for k, v in changed.items():
            setattr(user, k, v)
        await audit.record(
            actor, "user.update", "User", user.id, before=before,
            after={"fullName": user.full_name, "initials": user.initials_override}, connection=conn,
        )
    return user


async def change_password(actor: Actor, current_password: str, new_password: str) -> None:
    """Throttled as a login is, per account: the attempt is counted before the current password is checked."""
    s = get_settings()
    key = f"password:{actor.user_id}"
    attempts = await _reserve_attempt(key, s.login_max_failures)
    user = await User.get(id=actor.user_id)
    problems = Problems()
    if not await check_password(user.password_hash, current_password or ""):
        problems.add("currentPassword", UserErrorCode.INVALID, "Kata sandi lama salah.")
        async with in_transaction() as conn:
            if attempts >= s.login_max_failures:
                await _lock(key, conn)
            await audit.record(actor, "user.change_password_failed", "User", user.id,
                               after={"failures": attempts}, connection=conn)
    validate_password(problems, new_password, "newPassword")
    problems.raise_if_any()
    new_hash = await workers.hashing.run(hash_password, new_password)
    async with in_transaction() as conn:
        await User.filter(id=user.id).using_db(conn).update(password_hash=new_hash, password_changed_at=now())
        # Every session of the user ends: a stolen token dies with the old password.
        await AuthToken.filter(user_id=user.id, revoked_at__isnull=True).using_db(conn).update(revoked_at=now())
        await LoginThrottle.filter(key=key).using_db(conn).delete()
        await audit.record(actor, "user.change_password", "User", user.id, connection=conn)


async def set_user_active(actor: Actor, user_id: int, active: bool) -> User:
    if not actor.can_manage:
        raise Forbidden()
    user = await User.filter(id=user_id).first()
    if user is None:
        raise UserInputError.one("id", UserErrorCode.NOT_FOUND, "Pengguna tidak ditemukan.")
    if user.id == actor.user_id and not active:
        raise UserInputError.one("id", UserErrorCode.INVALID, "Anda tidak dapat menonaktifkan akun Anda sendiri.")
    async with in_transaction() as conn:
        await User.filter(id=user.id).using_db(conn).update(is_active=active)
        if not active:
            await AuthToken.filter(user_id=user.id, revoked_at__isnull=True).using_db(conn).update(revoked_at=now())
        await audit.record(
            actor, "user.activate" if active else "user.deactivate", "User", user.id,
            before={"isActive": user.is_active}, after={"isActive": active}, connection=conn,
        )
    user.is_active = active
    return user


async def reset_password(actor: Actor, user_id: int, new_password: str) -> User:
    """An administrator sets a new password for an account (forgotten password); its sessions end."""
    if not actor.can_manage:
        raise Forbidden()
    user = await User.filter(id=user_id).first()
    if user is None:
        raise UserInputError.one("id", UserErrorCode.NOT_FOUND, "Pengguna tidak ditemukan.")
    problems = Problems()
    validate_password(problems, new_password, "newPassword")
    problems.raise_if_any()
    async with in_transaction() as conn:
        await User.filter(id=user.id).using_db(conn).update(
            password_hash=hash_password(new_password), password_changed_at=now()
        )
        await AuthToken.filter(user_id=user.id, revoked_at__isnull=True).using_db(conn).update(revoked_at=now())
        await audit.record(actor, "user.reset_password", "User", user.id, connection=conn)
    return user


async def ensure_bootstrap_admin() -> User | None:
    """Create the administrator named by JUARA_ADMIN_USERNAME/PASSWORD when no administrator exists."""
    s = get_settings()
    if not s.admin_username or not s.admin_password:
        return None
    if await User.filter(role=Role.ADMIN).exists():
        return None
    return await create_user(
        None, username=s.admin_username, password=s.admin_password, full_name="Administrator", role=Role.ADMIN
    )
