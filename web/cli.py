"""The `juara` command: migrate, serve, seed-demo, create-user, import, retention, new-nik-key, rotate-nik-key."""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

import typer
from rich.console import Console

from service.config import get_settings

app = typer.Typer(help="Purbalingga Juara: registry of achievements.", no_args_is_help=True, add_completion=False)
console = Console(stderr=True)


def _fail(message: str) -> NoReturn:
    from rich.markup import escape

    # One line whatever the terminal width, so that scripts and logs keep the message whole.
    console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code=1)


def run_db(work: Callable[[], Awaitable[Any]], *, migrate: bool = False) -> Any:
    """Run async work with the database open; failures are one clear line, not a traceback."""
    from service import db

    async def main() -> Any:
        try:
            if migrate:
                await db.run_migrations()
            else:
                await db.init_db()
            return await work()
        finally:
            await db.close_db()

    try:
        return asyncio.run(main())
    except db.DatabaseConfigError as exc:
        _fail(str(exc))
    except (OSError, ConnectionError) as exc:
        _fail(f"cannot reach the database at {_safe_url()}: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - the CLI reports any failure as one line
        if type(exc).__module__.startswith(("asyncpg", "tortoise", "sqlite3", "aiosqlite")):
            _fail(f"database error ({type(exc).__name__}): {exc}")
        raise


def _safe_url() -> str:
    url = get_settings().database_url
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url


@app.command()
def migrate() -> None:
    """Apply migrations and load reference data (kecamatan, desa, categories, points); idempotent."""
    from service import accounts

    async def work() -> None:
        admin = await accounts.ensure_bootstrap_admin()
        if admin:
            console.print(f"created administrator [bold]{admin.username}[/]")

    run_db(work, migrate=True)
    console.print(f"[green]database is up to date[/] ({_safe_url()})")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=32, help="Worker processes."),
) -> None:
    """Serve the GraphQL API (uvicorn)."""
    import uvicorn

    from service import db

    async def check() -> None:
        await db.ping()

    run_db(check)
    console.print(f"serving http://{host}:{port}/graphql ({workers} worker{'s' if workers > 1 else ''})")
    from web.http_protocol import NoDelayH11Protocol, fastest

    # JUARA_HTTP=h11: the pure-Python parser and the asyncio loop (for comparison, or if a C extension fails).
    protocol, loop = fastest() if os.environ.get("JUARA_HTTP", "fast") == "fast" else (NoDelayH11Protocol, "asyncio")
    uvicorn.run("web.app:app", host=host, port=port, workers=workers, log_level="warning",
                access_log=False, http=protocol, loop=loop, **proxy_options(get_settings()))


def proxy_options(settings) -> dict:
    """uvicorn's proxy handling from JUARA_TRUSTED_PROXIES: X-Forwarded-For/-Proto are believed only from
    those addresses (the TLS proxy in front); without any, the client address is the socket's peer."""
    trusted = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}


@app.command("seed-demo")
def seed_demo(
    achievements: int = typer.Option(600, "--achievements", "-n", min=0, help="How many achievements to make."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when the database already holds data."),
) -> None:
    """Fill the database with a realistic, clearly fictitious demo data set."""
    from service import demo

    result = run_db(lambda: demo.seed_demo(achievements, if_empty=if_empty, console=console), migrate=True)
    if result is None:
        console.print("database already holds data; demo data not added")
        return
    demo.print_logins(result, console)


@app.command("create-user")
def create_user(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option("CONTRIBUTOR", help="ADMIN, VERIFIER, EDITOR or CONTRIBUTOR."),
    full_name: str = typer.Option(None, "--full-name", help="Full name (defaults to the username)."),
    institution: str = typer.Option(None, help="Institution name (required for CONTRIBUTOR)."),
    password: str = typer.Option(None, help="Password; asked for when omitted (or JUARA_NEW_PASSWORD)."),
) -> None:
    """Create an account."""
    from service import accounts
    from service.enums import Role
    from service.errors import UserInputError
    from service.models import Institution

    try:
        role_value = Role(role.upper())
    except ValueError:
        _fail(f"unknown role {role!r}; use one of {', '.join(r.value for r in Role)}")
    secret = password or os.environ.get("JUARA_NEW_PASSWORD") or (
        getpass.getpass("Password: ") if sys.stdin.isatty() else None
    )
    if not secret:
        _fail("a password is required (--password, JUARA_NEW_PASSWORD, or type it when asked)")

    async def work():
        inst_id = None
        if institution:
            inst = await Institution.filter(name=institution).first()
            if inst is None:
                _fail(f"institution {institution!r} not found")
            inst_id = inst.id
        try:
            return await accounts.create_user(
                None, username=username, password=secret, full_name=full_name or username, role=role_value,
                institution_id=inst_id,
            )
        except UserInputError as exc:
            _fail("; ".join(p.message for p in exc.problems))

    user = run_db(work)
    console.print(f"created {user.role} [bold]{user.username}[/]")


@app.command("import")
def import_achievements(
    file: str = typer.Argument(..., help="The filled template (.xlsx) or a CSV with the same columns."),
    institution: str = typer.Option(..., "--institution", "-i", help="Owner institution: its name or numeric id."),
    user: str = typer.Option(None, "--user", "-u", help="Account acting (default: the first active ADMIN)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row without writing anything."),
) -> None:
    """Import achievements from a spreadsheet as DRAFTs of one institution: all rows or none."""
    from pathlib import Path

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from service import accounts, imports
    from service.enums import Role
    from service.errors import DomainError, UserInputError
    from service.models import Institution, User

    path = Path(file)
    if not path.is_file():
        _fail(f"file {file!r} not found")
    labels = {"validate": "checking rows", "write": "writing", "duplicates": "looking for duplicates"}

    async def work():
        account = await (User.filter(username=user, is_active=True).first() if user else
                         User.filter(role=Role.ADMIN, is_active=True).order_by("id").first())
        if account is None:
            _fail(f"no active account {user!r}" if user else "no active ADMIN account; pass --user")
        inst = await (Institution.filter(id=int(institution)).first() if institution.isdigit() else
                      Institution.filter(name=institution).first())
        if inst is None:
            _fail(f"institution {institution!r} not found")
        path_of_own = None
        if account.institution_id is not None:
            path_of_own = (await Institution.get(id=account.institution_id)).path
        actor = accounts.actor_for(account, path_of_own)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(),
                      console=console, transient=False) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, done: int, total: int | None) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(labels.get(phase, phase), total=total)
                bar.update(tasks[phase], completed=done, total=total)

            try:
                return await imports.import_file(actor, path, path.name, inst.id, dry_run, progress=progress)
            except UserInputError as exc:
                _fail("; ".join(p.message for p in exc.problems))
            except DomainError as exc:
                _fail(str(exc))

    report = run_db(work)
    if report is None:
        return
    for problem in report.problems:
        console.print(f"[red]{problem.message}[/]")
    if report.problem_count > len(report.problems):
        console.print(f"[red]… and {report.problem_count - len(report.problems)} more problems[/]")
    if report.problem_count:
        _fail(f"{report.problem_count} problem(s) in {report.total_rows} rows; nothing was written")
    if report.dry_run:
        console.print(f"[green]{report.valid_rows} rows are valid[/]; {report.persons_created} new persons "
                      "would be registered (dry run: nothing written)")
        return
    console.print(f"[green]imported {report.created_count} DRAFT achievements[/] (batch {report.batch_id}); "
                  f"{report.persons_created} new persons; {report.duplicate_hints} possible duplicates to review")


@app.command()
def retention(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only list what the rule would remove."),
    days: int = typer.Option(None, "--days", min=1, help="DRAFT/REJECTED entries untouched this many days "
                             "(default JUARA_RETENTION_DAYS, 365)."),
    evidence_days: int = typer.Option(None, "--evidence-days", min=1, help="Evidence files of REJECTED entries "
                                      "untouched this many days (default JUARA_RETENTION_EVIDENCE_DAYS, 90)."),
) -> None:
    """Apply the retention rule of docs/privacy.md (delete stale DRAFT/REJECTED entries and rejected evidence files)."""
    from service.retention import apply_retention

    report = run_db(lambda: apply_retention(days=days, evidence_days=evidence_days, dry_run=dry_run))
    verb = "would delete" if dry_run else "deleted"
    console.print(f"{verb} {len(report.achievement_ids)} DRAFT/REJECTED achievements untouched since "
                  f"{report.achievements_cutoff:%Y-%m-%d} and {len(report.evidence_file_ids)} evidence files of "
                  f"REJECTED achievements untouched since {report.evidence_cutoff:%Y-%m-%d}"
                  + (f"; kept {len(report.kept_for_published)} named by a published release"
                     if report.kept_for_published else "")
                  + (" (dry run: nothing changed)" if dry_run else ""), soft_wrap=True)
    if report.achievement_ids and dry_run:
        console.print("achievement ids: " + ", ".join(str(i) for i in report.achievement_ids[:50])
                      + (" …" if len(report.achievement_ids) > 50 else ""), soft_wrap=True)


@app.command("new-nik-key")
def new_nik_key() -> None:
    """Print a new NIK key for JUARA_NIK_KEY (see docs/privacy.md, "Key rotation")."""
    from service.nik import new_key

    print(new_key().text())


@app.command("rotate-nik-key")
def rotate_nik_key() -> None:
    """Re-encrypt every stored NIK under JUARA_NIK_KEY, reading old rows with JUARA_NIK_OLD_KEYS."""
    from service import nik

    try:
        ring = nik.keyring()
    except nik.NikKeyError as exc:
        _fail(str(exc))
    try:
        counts = run_db(nik.rotate)
    except nik.NikKeyError as exc:
        _fail(str(exc))
    console.print(f"[green]re-encrypted {counts['rows']} NIKs[/] under key {ring.current.key_id}; "
                  "JUARA_NIK_OLD_KEYS can now be emptied", soft_wrap=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
