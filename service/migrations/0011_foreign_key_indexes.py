from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Indexes on the foreign keys that are looked up by value: an achievement's evidence (every submit and
    duplicate check), its press releases (every verification, the release loaders) and a release's quote
    requests. Without them each lookup read the whole table. The kecamatan index gains the date, for the press
    context's count of a kecamatan's earlier achievements."""

    dependencies = [('models', '0010_import_jobs')]

    initial = False

    operations = [
        ops.AddIndex(model_name='Evidence', index=Index(fields=['achievement_id'])),
        ops.AddIndex(model_name='PressRelease', index=Index(fields=['achievement_id'])),
        ops.AddIndex(model_name='QuoteRequest', index=Index(fields=['press_release_id'])),
        ops.RemoveIndex(model_name='Achievement', fields=['status', 'kecamatan_id']),
        ops.AddIndex(model_name='Achievement', index=Index(fields=['status', 'kecamatan_id', 'date'])),
    ]
