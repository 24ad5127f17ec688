"""CPU per operation of the mixed workload, in-process: `python -m bench.mixed_cpu [--rounds N] [--profile OP]`.

Each round runs the operations of `bench/load.py` one after the other through the app (httpx ASGITransport,
no network): a public listing, the public stats, a contributor's create and submit, a verifier's verify, an
editor's edit of the drafted release. Printed per operation: the process's CPU time (median and mean over the
rounds after ten of warm-up; the client's share is in it). The database is a copy of the 10 000-row bench
SQLite file (`make bench-quick` makes it), migrated first, so the figures do not depend on earlier runs.
`--profile verify` prints a cProfile of that operation's requests, sorted by cumulative time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402 - bench/load.py, the mixed workload's queries and accounts

SOURCE = ROOT / "var" / "bench" / "juara-10000.sqlite3"


async def run(rounds: int, profile: str | None, source: Path, sort: str = "cumulative",
              dump: Path | None = None) -> dict[str, list[float]]:
    from service import db
    from service.accounts import create_user
    from service.enums import Role
    from service.models import User
    from web.app import create_app

    tmp = Path(tempfile.mkdtemp(prefix="juara-mixed-cpu-"))
    path = tmp / "juara.sqlite3"
    shutil.copyfile(source, path)
    url = f"sqlite://{path}"
    await db.run_migrations(url)
    await db.init_db(url)
    cpu: dict[str, list[float]] = {}
    prof = cProfile.Profile()
    try:
        if not await User.filter(username=load.ADMIN[0]).exists():
            await create_user(None, username=load.ADMIN[0], password=load.ADMIN[1], full_name="Administrator",
                              role=Role.ADMIN)
        app = create_app(manage_database=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                     timeout=60) as http:
            client = load.Client(http, load.Ledger())
            ctx = await load.setup_accounts(client, 10)
            logins = ctx["logins"]
            rng = random.Random(1)

            async def timed(op: str, coro):
                started = time.process_time()
                if op == profile:
                    prof.enable()
                try:
                    return await coro
                finally:
                    if op == profile:
                        prof.disable()
                    cpu.setdefault(op, []).append(time.process_time() - started)

            for i in range(rounds):
                await timed("list", client.gql("list", load.PUBLIC_LIST))
                await timed("stats", client.gql("stats", load.STATS))
                token, inst = rng.choice(logins["CONTRIBUTOR"])
                made = await timed("create", client.gql("create", load.CREATE, {"i": {
                    "title": f"Juara 1 Lomba Uji {i}", "eventName": "Lomba Uji Beban",
                    "organizer": "Dinkominfo Purbalingga", "level": "KABUPATEN", "rank": "JUARA_1",
                    "categoryId": ctx["category"], "date": "2026-09-03", "institutionId": inst,
                    "evidenceUrls": ["https://example.org/piagam.pdf"]}}, token, "createAchievement"))
                aid = made["createAchievement"]["achievement"]["id"]
                await timed("submit", client.gql("submit", load.SUBMIT, {"id": aid}, token, "submitAchievement"))
                verifier, _ = rng.choice(logins["VERIFIER"])
                done = await timed("verify", client.gql("verify", load.VERIFY, {"id": aid}, verifier,
                                                        "verifyAchievement"))
                releases = done["verifyAchievement"]["achievement"]["pressReleases"]
                if releases:
                    editor, _ = rng.choice(logins["EDITOR"])
                    await timed("edit", client.gql("edit", load.EDIT, {"id": releases[0]["id"],
                                                   "v": releases[0]["version"], "t": f"Rilis {i}"}, editor,
                                                   "updatePressRelease"))
    finally:
        await db.close_db()
        shutil.rmtree(tmp, ignore_errors=True)
    if profile:
        if dump is not None:
            prof.dump_stats(dump)
        pstats.Stats(prof).sort_stats(sort).print_stats(40)
    return cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--profile", choices=["list", "stats", "create", "submit", "verify", "edit"])
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"],
                        help="the profile's order: cumulative time, or time in the function itself")
    parser.add_argument("--dump", type=Path, help="also write the profile here (for pstats: callers, callees)")
    parser.add_argument("--source", type=Path, default=SOURCE, help="the SQLite file to copy")
    args = parser.parse_args()
    if not args.source.exists():
        print(f"{args.source} is missing: run `make bench-quick` first", file=sys.stderr)
        return 2
    cpu = asyncio.run(run(args.rounds, args.profile, args.source, args.sort, args.dump))
    print(f"{'operation':<10}{'cpu median ms':>15}{'cpu mean ms':>13}")
    for op, values in cpu.items():
        kept = values[10:] or values
        print(f"{op:<10}{statistics.median(kept) * 1000:>15.2f}{statistics.mean(kept) * 1000:>13.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
