"""The `juara` command: clear one-line failures for bad databases, and the demo seeding command."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from service.demo import DEMO_PASSWORD

JUARA = str(Path(sys.executable).parent / "juara")
# The commands' development NIK key lives here, not in the checkout's var/.
NIK_KEY_FILE = Path(tempfile.mkdtemp(prefix="juara-cli-")) / "nik.key"


def run_juara(*args: str, database_url: str, timeout: float = 120,
              extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUARA_ADMIN_", "DATABASE_URL", "JUARA_NIK"))}
    env.update(DATABASE_URL=database_url, COLUMNS="60", TERM="dumb", JUARA_NIK_KEY_FILE=str(NIK_KEY_FILE))
    env.update(extra_env or {})
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


def test_rotate_nik_key_reencrypts_every_row_of_a_demo_database(tmp_path: Path):
    import sqlite3

    url = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    old = run_juara("new-nik-key", database_url=url).stdout.strip()
    new = run_juara("new-nik-key", database_url=url).stdout.strip()
    assert old != new and old.count(":") == 1
    seeded = run_juara("seed-demo", "--achievements", "5", database_url=url, extra_env={"JUARA_NIK_KEY": old})
    assert seeded.returncode == 0, seeded.stderr
    db_file = tmp_path / "demo.sqlite3"

    def key_ids() -> list[str]:
        with sqlite3.connect(db_file) as conn:
            return [r[0].split(":")[0] for r in conn.execute("SELECT nik_encrypted FROM person WHERE nik_encrypted IS NOT NULL")]

    before = key_ids()
    assert before and set(before) == {old.split(":")[0]}
    missing = run_juara("rotate-nik-key", database_url=url, extra_env={"JUARA_NIK_KEY": new})
    assert missing.returncode == 1 and "JUARA_NIK_OLD_KEYS" in missing.stderr and "Traceback" not in missing.stderr
    assert set(key_ids()) == {old.split(":")[0]}  # nothing half-done
    rotated = run_juara("rotate-nik-key", database_url=url,
                        extra_env={"JUARA_NIK_KEY": new, "JUARA_NIK_OLD_KEYS": old})
    assert rotated.returncode == 0, rotated.stderr
    assert f"re-encrypted {len(before)} NIKs" in rotated.stderr
    assert key_ids() == [new.split(":")[0]] * len(before)
    with sqlite3.connect(db_file) as conn:
        dump = " ".join(str(v) for row in conn.execute("SELECT * FROM person") for v in row)
    assert not any(len(w) == 16 and w.isdigit() for w in dump.replace(":", " ").split())


def test_production_refuses_to_start_without_a_nik_key(tmp_path: Path):
    url = f"sqlite://{tmp_path / 'prod.sqlite3'}"
    proc = run_juara("rotate-nik-key", database_url=url, extra_env={"JUARA_ENV": "production"})
    assert proc.returncode == 1 and "JUARA_NIK_KEY wajib" in proc.stderr
