"""Settings read once from the environment, typed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "juara.sqlite3"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _initials(name: str, default: str) -> str:
    raw = (os.environ.get(name) or "").strip().upper()
    if not raw:
        return default
    if not (2 <= len(raw) <= 4 and raw.isascii() and raw.isalpha()) or raw == "XX":
        raise SystemExit(f"{name} must be 2 to 4 capital letters (not XX), got {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: f"sqlite://{DEFAULT_SQLITE_PATH}")
    token_ttl_hours: int = 12
    admin_username: str | None = None
    admin_password: str | None = None
    # Login throttling: failures within the window before refusing, and how long the refusal lasts.
    login_max_failures: int = 5
    login_window_seconds: int = 900
    login_lockout_seconds: int = 900
    login_ip_max_failures: int = 30
    # Extra delay per failed login after the second one in a window (capped at one second).
    login_slowdown_ms: int = 100
    # The longest wait of one attempt from an address past login_ip_max_failures.
    login_ip_max_delay_ms: int = 3000
    # Addresses (or networks) of the reverse proxies whose X-Forwarded-For is believed, comma-separated.
    trusted_proxies: str = ""
    evidence_dir: Path = PROJECT_ROOT / "var" / "evidence"
    # Uploads of import jobs wait here until their job ends (service/imports/jobs.py).
    import_dir: Path = PROJECT_ROOT / "var" / "imports"
    # Import jobs run at once per server process; later ones wait QUEUED, at most import_jobs_queued of them.
    import_jobs: int = 2
    import_jobs_queued: int = 20
    max_upload_bytes: int = 10 * 1024 * 1024
    max_request_bytes: int = 12 * 1024 * 1024
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 4000
    # What one operation may make the server produce (schema/cost.py); 0 switches the limit off.
    max_query_cost: int = 200_000
    request_timeout_seconds: int = 30
    introspection: bool = True
    graphiql: bool = True
    # Anonymous query responses kept in memory until the database changes (web/response_cache.py).
    response_cache: bool = True
    response_cache_bytes: int = 64 * 1024 * 1024
    # The common shapes of the achievements listing answered by a compiled plan (schema/achievements/compiled.py).
    compiled_plans: bool = True
    # GraphQL operations one worker executes at a time; the others wait their turn in order (web/gate.py).
    # 0: no limit.
    graphql_concurrency: int = 6
    pg_pool_min: int = 1
    pg_pool_max: int = 10
    sqlite_busy_timeout_ms: int = 10000
    log_level: str = "INFO"
    # The desk's initials on drafts no editor signs: "(IKP/Kominfo)". Never "XX" (publishing refuses it).
    press_initials: str = "IKP"
    # How long a quote request's link stays valid.
    quote_ttl_days: int = 7
    # NIK at rest (service/nik.py): the key in force, older keys still read, the development key file.
    nik_key: str | None = None
    nik_old_keys: tuple[str, ...] = ()
    nik_key_file: Path = PROJECT_ROOT / "var" / "nik.key"
    # JUARA_ENV=production: secrets such as JUARA_NIK_KEY must come from the environment.
    production: bool = False
    # Retention (service/retention.py): DRAFT and REJECTED entries untouched this many days are removed.
    retention_days: int = 365
    # ... and the evidence files of REJECTED entries untouched this many days.
    retention_evidence_days: int = 90

    @classmethod
    def from_env(cls) -> Settings:
        base = cls()
        url = os.environ.get("DATABASE_URL", "").strip() or base.database_url
        return cls(
            database_url=url,
            token_ttl_hours=_int("JUARA_TOKEN_TTL_HOURS", base.token_ttl_hours),
            admin_username=os.environ.get("JUARA_ADMIN_USERNAME") or None,
            admin_password=os.environ.get("JUARA_ADMIN_PASSWORD") or None,
            login_max_failures=_int("JUARA_LOGIN_MAX_FAILURES", base.login_max_failures),
            login_window_seconds=_int("JUARA_LOGIN_WINDOW_SECONDS", base.login_window_seconds),
            login_lockout_seconds=_int("JUARA_LOGIN_LOCKOUT_SECONDS", base.login_lockout_seconds),
            login_ip_max_failures=_int("JUARA_LOGIN_IP_MAX_FAILURES", base.login_ip_max_failures),
            login_slowdown_ms=_int("JUARA_LOGIN_SLOWDOWN_MS", base.login_slowdown_ms),
            login_ip_max_delay_ms=_int("JUARA_LOGIN_IP_MAX_DELAY_MS", base.login_ip_max_delay_ms),
            trusted_proxies=os.environ.get("JUARA_TRUSTED_PROXIES", base.trusted_proxies),
            evidence_dir=Path(os.environ.get("JUARA_EVIDENCE_DIR") or base.evidence_dir),
            import_dir=Path(os.environ.get("JUARA_IMPORT_DIR") or base.import_dir),
            import_jobs=max(1, _int("JUARA_IMPORT_JOBS", base.import_jobs)),
            import_jobs_queued=max(0, _int("JUARA_IMPORT_JOBS_QUEUED", base.import_jobs_queued)),
            max_upload_bytes=_int("JUARA_MAX_UPLOAD_BYTES", base.max_upload_bytes),
            max_request_bytes=_int("JUARA_MAX_REQUEST_BYTES", base.max_request_bytes),
            max_query_depth=_int("JUARA_MAX_QUERY_DEPTH", base.max_query_depth),
            max_aliases=_int("JUARA_MAX_ALIASES", base.max_aliases),
            max_tokens=_int("JUARA_MAX_TOKENS", base.max_tokens),
            max_query_cost=_int("JUARA_MAX_QUERY_COST", base.max_query_cost),
            request_timeout_seconds=_int("JUARA_REQUEST_TIMEOUT_SECONDS", base.request_timeout_seconds),
            introspection=_bool("JUARA_INTROSPECTION", base.introspection),
            graphiql=_bool("JUARA_GRAPHIQL", base.graphiql),
            response_cache=_bool("JUARA_RESPONSE_CACHE", base.response_cache),
            response_cache_bytes=_int("JUARA_RESPONSE_CACHE_BYTES", base.response_cache_bytes),
            compiled_plans=_bool("JUARA_COMPILED_PLANS", base.compiled_plans),
            graphql_concurrency=max(0, _int("JUARA_GRAPHQL_CONCURRENCY", base.graphql_concurrency)),
            pg_pool_min=_int("JUARA_PG_POOL_MIN", base.pg_pool_min),
            pg_pool_max=_int("JUARA_PG_POOL_MAX", base.pg_pool_max),
            sqlite_busy_timeout_ms=_int("JUARA_SQLITE_BUSY_TIMEOUT_MS", base.sqlite_busy_timeout_ms),
            log_level=os.environ.get("JUARA_LOG_LEVEL", base.log_level),
            press_initials=_initials("JUARA_PRESS_INITIALS", base.press_initials),
            quote_ttl_days=_int("JUARA_QUOTE_TTL_DAYS", base.quote_ttl_days),
            nik_key=os.environ.get("JUARA_NIK_KEY") or None,
            nik_old_keys=tuple(k for k in (os.environ.get("JUARA_NIK_OLD_KEYS") or "").split(",") if k.strip()),
            nik_key_file=Path(os.environ.get("JUARA_NIK_KEY_FILE") or base.nik_key_file),
            production=(os.environ.get("JUARA_ENV") or "").strip().lower() == "production",
            retention_days=_int("JUARA_RETENTION_DAYS", base.retention_days),
            retention_evidence_days=_int("JUARA_RETENTION_EVIDENCE_DAYS", base.retention_evidence_days),
        )


_settings: Settings | None = None


def get_settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def override_settings(settings: Settings) -> None:
    """Replace the settings in force (tests and the CLI use this)."""
    global _settings
    _settings = settings
    from service import nik

    nik.set_keyring(None)
