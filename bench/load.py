"""Load test: a mixed workload against `juara serve --workers N`, then a check that every write is stored."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
JUARA = str(Path(sys.executable).parent / "juara")
# Accounts of the throw-away load database only.
ADMIN = ("load.admin", "load-admin-password-123")
PASSWORD = "load-user-password-123"  # noqa: S105

PUBLIC_LIST = """query($after: String) { achievements(first: 20, after: $after) {
  totalCount pageInfo { endCursor } edges { node { id title level rank date institution { name } kecamatan { name } } } } }"""
STATS = "{ stats { total byLevel { key count } byKecamatan { count points } byYear { key count } } }"
CREATE = """mutation($i: AchievementInput!) { createAchievement(input: $i) { achievement { id version } errors { code message } } }"""
SUBMIT = "mutation($id: ID!) { submitAchievement(id: $id) { achievement { id status } errors { code message } } }"
VERIFY = """mutation($id: ID!) { verifyAchievement(id: $id) {
  achievement { id status pressReleases { id version } } errors { code message } } }"""
EDIT = """mutation($id: ID!, $v: Int!, $t: String!) { updatePressRelease(id: $id, expectedVersion: $v, input: {title: $t}) {
  pressRelease { id version title } errors { code message } } }"""
RELEASES = "{ pressReleases(first: 20) { totalCount edges { node { id title status version } } } }"


@dataclass
class Ledger:
    """What the server acknowledged; checked against the database at the end."""

    created: dict[str, str] = field(default_factory=dict)  # achievement id → title
    submitted: list[str] = field(default_factory=list)
    acknowledged_submits: set[str] = field(default_factory=set)
    verified: set[str] = field(default_factory=set)
    releases: dict[str, tuple[int, str]] = field(default_factory=dict)  # release id → (version, title)
    free_releases: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failure_samples: list[str] = field(default_factory=list)


class Failure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[1:3])} failed:\n{proc.stderr[-3000:]}")


async def prepare_database(kind: str, pg_base: str) -> tuple[str, str | None]:
    if kind == "sqlite":
        directory = ROOT / "var" / "load"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "load.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240 - set-up, nothing else runs yet
        return f"sqlite://{path}", None
    import asyncpg

    parsed = urlparse(pg_base)
    name = f"juara_load_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432,
                                 user=parsed.username or "postgres", password=parsed.password or None,
                                 database=parsed.path.strip("/") or "postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return urlunparse(parsed._replace(path=f"/{name}")), name


async def drop_database(pg_base: str, name: str) -> None:
    import asyncpg

    parsed = urlparse(pg_base)
    conn = await asyncpg.connect(host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432,
                                 user=parsed.username or "postgres", password=parsed.password or None,
                                 database=parsed.path.strip("/") or "postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


class Client:
    """GraphQL requests through an httpx client (the set-up; bench/mixed_cpu.py's in-process app)."""

    def __init__(self, http: httpx.AsyncClient, ledger: Ledger):
        self.http = http
        self.ledger = ledger

    async def _post(self, body: bytes, token: str | None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        resp = await self.http.post("/graphql", content=body, headers=headers)
        return resp.status_code, resp.content

    async def gql(self, op: str, query: str, variables: dict | None = None, token: str | None = None,
                  payload: str | None = None) -> dict:
        request = json.dumps({"query": query, "variables": variables or {}}).encode()
        started = time.perf_counter()
        try:
            status, raw = await self._post(request, token)
        except (httpx.HTTPError, OSError, asyncio.IncompleteReadError) as exc:
            self._fail(op, f"{type(exc).__name__}: {exc}")
        self.ledger.latencies[op].append(time.perf_counter() - started)
        if status != 200:
            self._fail(op, f"HTTP {status}: {raw[:200].decode('utf-8', 'replace')}")
        body = json.loads(raw)
        if body.get("errors"):
            self._fail(op, f"GraphQL errors: {body['errors'][:1]}")
        data = body["data"]
        if payload is not None and data[payload].get("errors"):
            self._fail(op, f"payload errors: {data[payload]['errors']}")
        return data

    def _fail(self, op: str, text: str):
        self.ledger.failures[op] += 1
        if len(self.ledger.failure_samples) < 20:
            self.ledger.failure_samples.append(f"{op}: {text}")
        raise Failure(text)


class RawClient(Client):
    """One keep-alive HTTP/1.1 connection of its own, spoken by hand (bench/throughput.py's reader): the load
    generator shares the machine's two cores with the server, and httpx cost it 4–8 ms of CPU per request
    (more with more clients), a third of the machine."""

    def __init__(self, host: str, port: int, ledger: Ledger):
        super().__init__(None, ledger)  # type: ignore[arg-type]
        self.host, self.port = host, port
        self._head = f"POST /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        self._conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def _post(self, body: bytes, token: str | None) -> tuple[int, bytes]:
        try:
            from bench.throughput import _read_response
        except ImportError:  # bench/ on the path (bench/mixed_cpu.py imports this file as `load`)
            from throughput import _read_response

        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        message = f"{self._head}{auth}Content-Length: {len(body)}\r\n\r\n".encode() + body
        if self._conn is None:
            self._conn = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._conn
        try:
            writer.write(message)
            return await _read_response(reader)
        except BaseException:
            # A dropped or abandoned connection is not reused: the next request opens a new one.
            writer.close()
            self._conn = None
            raise

    async def close(self) -> None:
        if self._conn is not None:
            self._conn[1].close()
            self._conn = None


async def setup_accounts(client: Client, n_institutions: int) -> dict:
    admin = (await client.gql("setup", "mutation($u: String!, $p: String!) { login(username: $u, password: $p) "
                                       "{ token errors { code } } }", {"u": ADMIN[0], "p": ADMIN[1]}))["login"]["token"]
    assert admin, "admin login failed"
    kec = (await client.gql("setup", "{ kecamatanList { id } }"))["kecamatanList"]
    cat = (await client.gql("setup", "{ categories { children { id } } }"))["categories"][0]["children"][0]["id"]
    tag = secrets.token_hex(3)
    accounts: dict[str, list] = {"CONTRIBUTOR": [], "VERIFIER": [], "EDITOR": []}
    for i in range(n_institutions):
        inst = (await client.gql("setup", "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) "
                                          "{ institution { id } errors { code message } } }",
                                 {"i": {"name": f"SD Negeri {i + 1} Uji Beban {tag}", "kind": "SEKOLAH",
                                        "kecamatanId": kec[i % len(kec)]["id"]}}, admin, "createInstitution"))
        accounts["CONTRIBUTOR"].append(inst["createInstitution"]["institution"]["id"])
    logins: dict[str, list] = defaultdict(list)
    specs = [("CONTRIBUTOR", inst_id) for inst_id in accounts["CONTRIBUTOR"]]
    specs += [("VERIFIER", None)] * 3 + [("EDITOR", None)] * 3
    for n, (role, inst_id) in enumerate(specs):
        username = f"load.{role.lower()}.{tag}.{n}"
        await client.gql("setup", "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } errors { code message } } }",
                         {"i": {"username": username, "password": PASSWORD, "fullName": f"Pengguna Uji {n}",
                                "role": role, "institutionId": inst_id}}, admin, "createUser")
        token = (await client.gql("setup", "mutation($u: String!, $p: String!) { login(username: $u, password: $p) "
                                           "{ token errors { code } } }", {"u": username, "p": PASSWORD}))["login"]["token"]
        logins[role].append((token, inst_id))
    return {"logins": logins, "category": cat, "tag": tag}


async def worker(client: Client, ctx: dict, deadline: float, rng: random.Random) -> None:
    ledger = client.ledger
    logins = ctx["logins"]
    while time.monotonic() < deadline:
        roll = rng.random()
        try:
            if roll < 0.35:
                await client.gql("public list", PUBLIC_LIST)
            elif roll < 0.50:
                await client.gql("public stats", STATS)
            elif roll < 0.70:
                token, inst_id = rng.choice(logins["CONTRIBUTOR"])
                title = f"Juara {rng.randint(1, 3)} Lomba Uji Beban {ctx['tag']} {rng.randrange(10**9)}"
                data = await client.gql("create", CREATE, {"i": {
                    "title": title, "eventName": "Lomba Uji Beban", "organizer": "Dinkominfo Purbalingga",
                    "level": rng.choice(["KECAMATAN", "KABUPATEN", "PROVINSI"]), "rank": "JUARA_1",
                    "categoryId": ctx["category"], "date": "2026-09-0" + str(rng.randint(1, 9)),
                    "institutionId": inst_id, "evidenceUrls": ["https://example.org/piagam.pdf"],
                }}, token, "createAchievement")
                aid = data["createAchievement"]["achievement"]["id"]
                ledger.created[aid] = title
                await client.gql("submit", SUBMIT, {"id": aid}, token, "submitAchievement")
                ledger.submitted.append(aid)
                ledger.acknowledged_submits.add(aid)
            elif roll < 0.85:
                token, _ = rng.choice(logins["VERIFIER"])
                if not ledger.submitted:
                    await client.gql("staff releases", RELEASES, None, token)
                    continue
                aid = ledger.submitted.pop(rng.randrange(len(ledger.submitted)))
                data = await client.gql("verify", VERIFY, {"id": aid}, token, "verifyAchievement")
                ledger.verified.add(aid)
                for release in data["verifyAchievement"]["achievement"]["pressReleases"]:
                    ledger.releases[release["id"]] = (release["version"], None)
                    ledger.free_releases.append(release["id"])
            else:
                token, _ = rng.choice(logins["EDITOR"])
                if not ledger.free_releases:
                    await client.gql("staff releases", RELEASES, None, token)
                    continue
                # One editor per release at a time: a VERSION_CONFLICT here would be the script's own race.
                rid = ledger.free_releases.pop(rng.randrange(len(ledger.free_releases)))
                version, _ = ledger.releases[rid]
                title = f"Rilis diperbarui {rng.randrange(10**9)}"
                try:
                    data = await client.gql("edit", EDIT, {"id": rid, "v": version, "t": title}, token,
                                            "updatePressRelease")
                    new = data["updatePressRelease"]["pressRelease"]
                    ledger.releases[rid] = (new["version"], new["title"])
                finally:
                    ledger.free_releases.append(rid)
        except Failure:
            continue


async def healthz_probe(http: httpx.AsyncClient, ledger: Ledger, deadline: float) -> None:
    """`/healthz` every 50 ms beside the workload, on a connection of its own: the latency an orchestrator sees."""
    async with httpx.AsyncClient(base_url=str(http.base_url), timeout=30) as probe:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                resp = await probe.get("/healthz")
                if resp.status_code != 200:
                    ledger.failures["healthz"] += 1
            except httpx.HTTPError:
                ledger.failures["healthz"] += 1
            else:
                ledger.latencies["healthz"].append(time.perf_counter() - started)
            await asyncio.sleep(0.05)


async def verify_database(database_url: str, ledger: Ledger, tag: str) -> dict:
    """Read the database directly: acknowledged writes present, counts equal, press releases one each."""
    os.environ["DATABASE_URL"] = database_url
    from schema.ids import decode_any
    from service import db
    from service.config import Settings, override_settings
    from service.enums import AchievementStatus
    from service.models import Achievement, AuditEvent, PressRelease

    override_settings(Settings.from_env())
    await db.init_db(database_url)
    problems: list[str] = []
    try:
        created_pks = {decode_any(gid)[1]: title for gid, title in ledger.created.items()}
        rows = {a.id: a for a in await Achievement.filter(title__contains=f"Uji Beban {tag}")}
        missing = set(created_pks) - set(rows)
        extra = set(rows) - set(created_pks)
        if missing:
            problems.append(f"{len(missing)} acknowledged achievements missing")
        if extra:
            problems.append(f"{len(extra)} achievements stored that were never acknowledged")
        verified_pks = {decode_any(gid)[1] for gid in ledger.verified}
        submitted_pks = {decode_any(gid)[1] for gid in ledger.acknowledged_submits}
        for pk, row in rows.items():
            if pk not in created_pks:
                continue
            if pk in verified_pks:
                want = {AchievementStatus.VERIFIED}
            elif pk in submitted_pks:
                want = {AchievementStatus.SUBMITTED}
            else:  # the submit failed (an error answer): it may or may not have been stored, never more
                want = {AchievementStatus.DRAFT, AchievementStatus.SUBMITTED}
            if row.status not in want:
                problems.append(f"achievement {pk}: {row.status} instead of {'/'.join(sorted(want))}")
        release_counts: dict[int, int] = defaultdict(int)
        for r in await PressRelease.filter(achievement_id__in=list(rows)).values("achievement_id"):
            release_counts[r["achievement_id"]] += 1
        bad_releases = [pk for pk in rows if release_counts.get(pk, 0) != (1 if pk in verified_pks else 0)]
        if bad_releases:
            problems.append(f"{len(bad_releases)} achievements with a lost or duplicated press release")
        edited = 0
        for gid, (version, title) in ledger.releases.items():
            row = await PressRelease.get(id=decode_any(gid)[1])
            if row.version != version or (title is not None and row.title != title):
                problems.append(f"release {row.id}: version {row.version}/{version}")
            edited += title is not None
        verify_events = await AuditEvent.filter(action="achievement.verify",
                                                target_id__in=[str(pk) for pk in rows]).count()
        if verify_events != len(verified_pks):
            problems.append(f"{verify_events} verify audit events for {len(verified_pks)} verifications")
        return {
            "achievements_created": len(created_pks), "achievements_found": len(rows),
            "verified": len(verified_pks), "press_releases": sum(release_counts.values()),
            "releases_edited": edited, "problems": problems,
        }
    finally:
        await db.close_db()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2000, help="demo achievements loaded before the run")
    parser.add_argument("--institutions", type=int, default=10)
    parser.add_argument("--pg-url", default=os.environ.get("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()

    database_url, pg_name = await prepare_database(args.db, args.pg_url)
    env = {**os.environ, "DATABASE_URL": database_url, "JUARA_ADMIN_USERNAME": ADMIN[0],
           "JUARA_ADMIN_PASSWORD": ADMIN[1], "JUARA_LOG_LEVEL": "WARNING"}
    server = None
    try:
        print(f"preparing {args.db} database ({args.seed} demo achievements) …", flush=True)
        run([JUARA, "migrate"], env)
        run([JUARA, "seed-demo", "--achievements", str(args.seed)], env)
        if not await _admin_exists(database_url):
            run([JUARA, "create-user", ADMIN[0], "--role", "ADMIN", "--password", ADMIN[1]], env)
        port = free_port()
        log_path = ROOT / "var" / "load" / f"server-{args.db}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
        print(f"server log: {log_path}", flush=True)
        server = subprocess.Popen(  # noqa: S603, ASYNC220 - started once, before the workload
            [JUARA, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(log_path, "wb"),  # noqa: SIM115, ASYNC230
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        ledger = Ledger()
        limits = httpx.Limits(max_connections=args.concurrency + 5, max_keepalive_connections=args.concurrency + 5)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
            for _ in range(300):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            client = Client(http, ledger)
            ctx = await setup_accounts(client, args.institutions)
            ledger.latencies.pop("setup", None)
            print(f"running {args.duration:.0f} s with {args.concurrency} clients against {args.workers} workers …",
                  flush=True)
            started = time.monotonic()
            cpu_started = time.process_time()
            deadline = started + args.duration
            clients = [RawClient("127.0.0.1", port, ledger) for _ in range(args.concurrency)]
            await asyncio.gather(healthz_probe(http, ledger, deadline),
                                 *[worker(c, ctx, deadline, random.Random(i)) for i, c in enumerate(clients)])
            elapsed = time.monotonic() - started
            cpu_load = time.process_time() - cpu_started
            for c in clients:
                await c.close()
        health = ledger.latencies.pop("healthz", [])
        health_failures = ledger.failures.pop("healthz", 0)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        check = await verify_database(database_url, ledger, ctx["tag"])
    finally:
        if server and server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        if pg_name:
            await drop_database(args.pg_url, pg_name)

    all_latencies = [x for v in ledger.latencies.values() for x in v]
    requests = len(all_latencies) + sum(ledger.failures.values())
    errors = sum(ledger.failures.values())
    rows = []
    for op in sorted(ledger.latencies):
        lat = ledger.latencies[op]
        rows.append((op, len(lat), ledger.failures.get(op, 0), len(lat) / elapsed, percentile(lat, 0.5) * 1000,
                     percentile(lat, 0.99) * 1000))
    print(f"\n{args.db}: {args.duration:.0f} s, {args.concurrency} clients, {args.workers} workers, "
          f"{requests} requests ({requests / elapsed:.0f}/s)")
    print(f"{'operation':<16}{'requests':>10}{'errors':>8}{'req/s':>8}{'p50 ms':>10}{'p99 ms':>10}")
    for op, n, err, rps, p50, p99 in rows:
        print(f"{op:<16}{n:>10}{err:>8}{rps:>8.1f}{p50:>10.1f}{p99:>10.1f}")
    print(f"{'all':<16}{requests:>10}{errors:>8}{requests / elapsed:>8.1f}{percentile(all_latencies, 0.5) * 1000:>10.1f}"
          f"{percentile(all_latencies, 0.99) * 1000:>10.1f}")
    print(f"load generator: {cpu_load:.1f} s of CPU over {elapsed:.1f} s ({cpu_load / max(requests, 1) * 1000:.2f} ms "
          "per request)")
    print(f"{'/healthz':<16}{len(health):>10}{health_failures:>8}{'':>8}{percentile(health, 0.5) * 1000:>10.1f}"
          f"{percentile(health, 0.99) * 1000:>10.1f}  (beside the workload, every 50 ms)")
    print(f"writes verified: {check['achievements_created']} achievements created and found "
          f"{check['achievements_found']}, {check['verified']} verified with {check['press_releases']} press "
          f"releases, {check['releases_edited']} releases edited; problems: {check['problems'] or 'none'}")
    for sample in ledger.failure_samples:
        print("  failure:", sample)
    if args.json:
        args.json.write_text(json.dumps({
            "db": args.db, "duration": args.duration, "concurrency": args.concurrency, "workers": args.workers,
            "requests": requests, "errors": errors, "rps": requests / elapsed,
            "p50_ms": percentile(all_latencies, 0.5) * 1000, "p99_ms": percentile(all_latencies, 0.99) * 1000,
            "operations": [dict(zip(["op", "requests", "errors", "rps", "p50_ms", "p99_ms"], r, strict=True))
                           for r in rows],
            "healthz": {"requests": len(health), "errors": health_failures,
                        "p50_ms": percentile(health, 0.5) * 1000, "p99_ms": percentile(health, 0.99) * 1000},
            "load_average_at_end": os.getloadavg()[0], "load_generator_cpu_seconds": cpu_load,
            "check": check, "failure_samples": ledger.failure_samples[:10], "median_ms": statistics.median(all_latencies) * 1000 if all_latencies else 0,
        }, indent=2))
    return 0 if errors == 0 and not check["problems"] else 1


async def _admin_exists(database_url: str) -> bool:
    # `juara migrate` creates the administrator only when none exists (seed-demo may have made one).
    from service import db
    from service.models import User

    await db.init_db(database_url)
    try:
        return await User.filter(username=ADMIN[0]).exists()
    finally:
        await db.close_db()


if __name__ == "__main__":
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with the project's dependencies
        sys.exit(asyncio.run(main()))
    sys.exit(uvloop.run(main()))
