"""The request deadline against a real `juara serve`: with the cost limit switched off, the nested queries run
into the deadline; the 504 comes at the deadline, and the worker is idle within seconds of it."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.servers import own_server
from tests.test_live_attacks import ALIASED, CYCLE

DEADLINE = 1  # JUARA_REQUEST_TIMEOUT_SECONDS of the server below


@pytest.fixture(scope="module")
def uncapped(tmp_path_factory):
    env = {"JUARA_MAX_QUERY_COST": "0", "JUARA_REQUEST_TIMEOUT_SECONDS": str(DEADLINE)}
    with own_server(tmp_path_factory.mktemp("deadline"), env=env) as server:
        yield server


@pytest.mark.parametrize("query", [CYCLE, ALIASED], ids=["nested", "aliased"])
def test_the_504_comes_at_the_deadline_and_the_work_stops_with_it(uncapped, query):
    with httpx.Client(base_url=uncapped.url, timeout=120) as http:
        started = time.perf_counter()
        resp = http.post("/graphql", json={"query": query})
        elapsed = time.perf_counter() - started
        assert resp.status_code == 504 and resp.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
        assert elapsed < DEADLINE + 1, f"the 504 came after {elapsed:.2f} s"
        # Nothing of the request runs on: /healthz is answered within the bound of the other live tests, and the
        # worker is idle within a few seconds. What it still does right after the 504 is freeing what the
        # abandoned request built (0.03-0.2 s of CPU on a quiet machine, 0.34 s seen on a loaded one); a request
        # that ran on would keep the worker busy for the tens of seconds the whole answer takes.
        started = time.perf_counter()
        assert http.get("/healthz").status_code == 200
        assert time.perf_counter() - started < 2
        windows = []
        for _ in range(4):
            cpu = uncapped.cpu_seconds()
            time.sleep(1)
            windows.append(uncapped.cpu_seconds() - cpu)
            if windows[-1] < 0.1:
                break
        assert windows[-1] < 0.1, f"CPU seconds used in each second after the 504: {windows}"
    assert "never awaited" not in uncapped.log_text()
