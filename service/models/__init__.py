"""Tortoise models, one module per domain."""

from service.models.accounts import AuthToken, LoginThrottle, User
from service.models.achievements import (
    Achievement,
    AchievementPerson,
    Category,
    Evidence,
    PointsLevel,
    PointsRank,
)
from service.models.audit import AuditEvent
from service.models.imports import DuplicateHint, ImportBatch, ImportJob
from service.models.institutions import Institution, Person
from service.models.press import PressRelease, PressReleaseRevision, QuoteRequest
from service.models.regions import Desa, Kecamatan
from service.models.stats import AchievementStatDaily, AchievementStatInstitution, AchievementStatYearly

__all__ = [
    "Achievement",
    "AchievementPerson",
    "AchievementStatDaily",
    "AchievementStatInstitution",
    "AchievementStatYearly",
    "AuditEvent",
    "AuthToken",
    "Category",
    "Desa",
    "DuplicateHint",
    "Evidence",
    "ImportBatch",
    "ImportJob",
    "Institution",
    "Kecamatan",
    "LoginThrottle",
    "Person",
    "PointsLevel",
    "PointsRank",
    "PressRelease",
    "PressReleaseRevision",
    "QuoteRequest",
    "User",
]
