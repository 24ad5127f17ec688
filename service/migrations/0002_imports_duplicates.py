from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DuplicateHint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('achievement', fields.ForeignKeyField('models.Achievement', source_field='achievement_id', db_constraint=True, to_field='id', related_name='duplicate_hints', on_delete=OnDelete.CASCADE)),
                ('original', fields.ForeignKeyField('models.Achievement', source_field='original_id', db_constraint=True, to_field='id', related_name='duplicated_by_hints', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=24)),
                ('score', fields.SmallIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'duplicate_hint', 'app': 'models', 'unique_together': (('achievement', 'original', 'reason'),), 'indexes': [Index(fields=['original_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ImportBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sha256', fields.CharField(unique=True, max_length=64)),
                ('file_name', fields.CharField(max_length=255)),
                ('institution', fields.ForeignKeyField('models.Institution', source_field='institution_id', db_constraint=True, to_field='id', related_name='import_batches', on_delete=OnDelete.RESTRICT)),
                ('row_count', fields.IntField(default=0)),
                ('created_count', fields.IntField(default=0)),
                ('persons_created', fields.IntField(default=0)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='import_batches', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'import_batch', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
