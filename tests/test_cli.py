"""The `juara` command: clear one-line failures for bad databases, and the demo seeding command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.demo import DEMO_PASSWORD

JUARA = str(Path(sys.executable).parent / "juara")


def run_juara(*args: str, database_url: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUARA_ADMIN_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url, COLUMNS="60", TERM="dumb")
    return subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [JUARA, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://postgres@127.0.0.1:1/nope", "cannot reach the database"),
        ("mysql://x", "not supported"),
        ("postgres://postgres@127.0.0.1:5432/", "must name a database"),
        ("sqlite:///proc/no-such-dir/juara.sqlite3", "cannot reach the database"),
    ],
)
def test_bad_database_is_one_clear_line(url: str, expected: str):
    proc = run_juara("migrate", database_url=url)
    output = (proc.stdout + proc.stderr).strip()
    assert proc.returncode == 1, output
    assert "Traceback" not in output
    lines = output.splitlines()
    assert len(lines) == 1, output  # even with a narrow terminal (COLUMNS=60)
    assert lines[0].startswith("error:") and expected in lines[0]


def test_error_line_hides_the_password():
    proc = run_juara("migrate", database_url="postgres://juara:geheim-sekali@127.0.0.1:1/nope")
    assert proc.returncode == 1
    assert "geheim-sekali" not in proc.stdout + proc.stderr
    assert "postgres://juara@127.0.0.1:1/nope" in proc.stderr


def test_seed_demo_command_on_fresh_database_then_if_empty(tmp_path: Path):
    url = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    first = run_juara("seed-demo", "--if-empty", "--achievements", "30", database_url=url)
    assert first.returncode == 0, first.stderr
    out = first.stdout + first.stderr
    assert "30 achievements" in out
    for username in ("admin", "verifikator", "editor", "dindikbud", "smpn1bobotsari", "kec.bobotsari"):
        assert username in out
    assert DEMO_PASSWORD in out

    second = run_juara("seed-demo", "--if-empty", "--achievements", "30", database_url=url)
    assert second.returncode == 0, second.stderr
    assert "already holds data" in second.stdout + second.stderr
    assert DEMO_PASSWORD not in second.stdout + second.stderr
