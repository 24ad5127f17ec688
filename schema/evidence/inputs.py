"""GraphQL inputs of evidence uploads."""

import strawberry
from strawberry.file_uploads import Upload


@strawberry.input
class UploadEvidenceInput:
    achievement_id: strawberry.ID
    file: Upload = strawberry.field(description="PDF, JPEG, PNG or WebP (recognised by content), at most 10 MB.")
    description: str | None = None
