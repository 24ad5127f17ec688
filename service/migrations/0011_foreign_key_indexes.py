from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Indexes on the foreign keys that are looked up by value: an achievement's evidence (every submit and
    duplicate check), its press releases (every verification, the release loaders) and a release's quote
    requests. Without them each lookup read the whole table. A kecamatan's verified achievements by date, for the
    press context's count of a kecamatan's earlier achievements; it starts with the kecamatan so that SQLite's
    planner never takes it for a listing by status alone (with (status, kecamatan_id, date) it did, and sorted
    the page in a temporary B-tree)."""

    dependencies = [('models', '0010_import_jobs')]

    initial = False

    operations = [
        ops.AddIndex(model_name='Evidence', index=Index(fields=['achievement_id'])),
        ops.AddIndex(model_name='PressRelease', index=Index(fields=['achievement_id'])),
        ops.AddIndex(model_name='QuoteRequest', index=Index(fields=['press_release_id'])),
        ops.AddIndex(model_name='Achievement', index=Index(fields=['kecamatan_id', 'status', 'date'])),
    ]
