"""Shared GraphQL documents and small helpers for the acceptance tests that drive the app over HTTP."""

from __future__ import annotations

from typing import Any

from schema.ids import encode_id

ACHIEVEMENT_FIELDS = """
  id title eventName organizer level rank rankLabel date location description achieverKind status
  rejectionReason submittedAt verifiedAt createdAt updatedAt
  category { id slug name parent { slug } }
  institution { id name kind }
  kecamatan { id code name }
  desa { id code name }
  persons { id name publicationConsent institution { id } }
  pressReleases { id title status version template }
"""

CREATE = f"""
mutation($input: AchievementInput!) {{
  createAchievement(input: $input) {{ achievement {{ {ACHIEVEMENT_FIELDS} }} errors {{ field code message }} }}
}}"""

UPDATE = f"""
mutation($id: ID!, $input: AchievementUpdateInput!) {{
  updateAchievement(id: $id, input: $input) {{ achievement {{ {ACHIEVEMENT_FIELDS} }} errors {{ field code message }} }}
}}"""

SUBMIT = f"""
mutation($id: ID!) {{
  submitAchievement(id: $id) {{ achievement {{ {ACHIEVEMENT_FIELDS} }} errors {{ field code message }} }}
}}"""

VERIFY = f"""
mutation($id: ID!) {{
  verifyAchievement(id: $id) {{ achievement {{ {ACHIEVEMENT_FIELDS} }} errors {{ field code message }} }}
}}"""

REJECT = f"""
mutation($id: ID!, $reason: String!) {{
  rejectAchievement(id: $id, reason: $reason) {{ achievement {{ {ACHIEVEMENT_FIELDS} }} errors {{ field code message }} }}
}}"""

NODE_ACHIEVEMENT = f"""
query($id: ID!) {{ node(id: $id) {{ __typename id ... on Achievement {{ {ACHIEVEMENT_FIELDS} }} }} }}"""

LIST_IDS = """
query($filter: AchievementFilter, $orderBy: AchievementOrder, $first: Int, $after: String, $last: Int, $before: String) {
  achievements(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title status } }
  }
}"""


def gid(type_name: str, pk: int) -> str:
    return encode_id(type_name, pk)


def achievement_input(institution, category, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "Juara 1 Lomba Paduan Suara Pelajar",
        "eventName": "Festival Paduan Suara Pelajar Jawa Tengah",
        "organizer": "Dinas Pendidikan Provinsi Jawa Tengah",
        "level": "PROVINSI",
        "rank": "JUARA_1",
        "categoryId": gid("Category", category.id),
        "date": "2026-10-12",
        "institutionId": gid("Institution", institution.id),
        "evidenceUrls": ["https://example.org/piagam.pdf"],
    }
    base.update(overrides)
    return base


def codes(body: dict[str, Any]) -> list[str]:
    """extensions.code of every top-level error."""
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


def payload(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body.get("errors")
    return body["data"][name]


def ids(body: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in body["data"]["achievements"]["edges"]]
