"""GraphQL inputs of the spreadsheet import."""

import strawberry
from strawberry.file_uploads import Upload


@strawberry.input
class ImportAchievementsInput:
    file: Upload = strawberry.field(description="The filled template (.xlsx) or a CSV with the same columns.")
    institution_id: strawberry.ID | None = strawberry.field(
        default=None, description="Owner of the imported achievements; defaults to the caller's institution."
    )
    dry_run: bool | None = strawberry.field(default=True, description="Check every row without writing anything.")
