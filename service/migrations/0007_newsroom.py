from tortoise import migrations
from tortoise.migrations import operations as ops
from service.enums import QuoteRequestStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_personal_data')]

    initial = False

    operations = [
        ops.CreateModel(
            name='QuoteRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('press_release', fields.ForeignKeyField('models.PressRelease', source_field='press_release_id', db_constraint=True, to_field='id', related_name='quote_requests', on_delete=OnDelete.CASCADE)),
                ('recipient_name', fields.CharField(max_length=200)),
                ('recipient_position', fields.CharField(max_length=200)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('status', fields.CharEnumField(default=QuoteRequestStatus.OPEN, description='OPEN: OPEN\nANSWERED: ANSWERED\nEXPIRED: EXPIRED\nCANCELLED: CANCELLED', enum_type=QuoteRequestStatus, max_length=12)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('quote_text', fields.TextField(null=True, unique=False)),
                ('speaker_name', fields.CharField(null=True, max_length=200)),
                ('speaker_position', fields.CharField(null=True, max_length=200)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='quote_requests', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'quote_request', 'app': 'models', 'pk_attr': 'id', 'table_description': "A link sent to an institution's head or humas so they type their quote for a draft themselves."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='PressReleaseRevision',
            name='signed_by',
            field=fields.CharField(null=True, max_length=300),
        ),
        ops.AddField(
            model_name='User',
            name='initials_override',
            field=fields.CharField(source_field='initials', null=True, max_length=4),
        ),
    ]
