from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from service.enums import ImportJobStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_change_stamps')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ImportJob',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='import_jobs', on_delete=OnDelete.CASCADE)),
                ('institution', fields.ForeignKeyField('models.Institution', source_field='institution_id', db_constraint=True, to_field='id', related_name='import_jobs', on_delete=OnDelete.CASCADE)),
                ('file_name', fields.CharField(max_length=255)),
                ('sha256', fields.CharField(max_length=64)),
                ('dry_run', fields.BooleanField(default=True)),
                ('status', fields.CharEnumField(default=ImportJobStatus.QUEUED, description='QUEUED: QUEUED\nCHECKING: CHECKING\nWRITING: WRITING\nDONE: DONE\nFAILED: FAILED', enum_type=ImportJobStatus, max_length=12)),
                ('processed_rows', fields.IntField(default=0)),
                ('total_rows', fields.IntField(null=True)),
                ('report', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('error', fields.TextField(null=True, unique=False)),
                ('runner', fields.CharField(max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('heartbeat_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'import_job', 'app': 'models', 'indexes': [Index(fields=['owner_id', 'created_at']), Index(fields=['status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
