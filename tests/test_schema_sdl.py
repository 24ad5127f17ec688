"""The committed SDL matches the schema the code builds."""

from pathlib import Path

from schema.schema import export_sdl

SDL = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def test_committed_sdl_is_current():
    assert SDL.read_text(encoding="utf-8") == export_sdl(), "schema/schema.graphql is stale: run `make schema`"


def test_contract_names_present():
    sdl = export_sdl()
    for name in [
        "type Kecamatan implements Node", "type Desa implements Node", "type Category implements Node",
        "type Institution implements Node", "type Person implements Node", "type Achievement implements Node",
        "type PressRelease implements Node", "type User implements Node", "enum AchievementRank",
        "input AchievementFilter", "enum AchievementOrderField", "input PressReleaseFilter",
    ]:
        assert name in sdl, name
