from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_imports_duplicates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AchievementStatDaily',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('date', fields.DateField()),
                ('year', fields.SmallIntField()),
                ('month', fields.SmallIntField()),
                ('status', fields.CharField(max_length=12)),
                ('level', fields.CharField(max_length=16)),
                ('rank', fields.CharField(max_length=20)),
                ('category_id', fields.IntField()),
                ('category_root_id', fields.IntField()),
                ('kecamatan_id', fields.IntField()),
                ('desa_id', fields.IntField()),
                ('institution_kind', fields.CharField(max_length=24)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'achievement_stat_daily', 'app': 'models', 'unique_together': (('date', 'status', 'level', 'rank', 'category_id', 'kecamatan_id', 'desa_id', 'institution_kind'),), 'indexes': [Index(fields=['status', 'year', 'kecamatan_id', 'level', 'rank']), Index(fields=['status', 'kecamatan_id', 'desa_id'])], 'pk_attr': 'id', 'table_description': 'Number of achievements per day and per every dimension the dashboard filters or groups on.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AchievementStatInstitution',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('institution_id', fields.IntField()),
                ('date', fields.DateField()),
                ('year', fields.SmallIntField()),
                ('status', fields.CharField(max_length=12)),
                ('level', fields.CharField(max_length=16)),
                ('rank', fields.CharField(max_length=20)),
                ('category_id', fields.IntField()),
                ('category_root_id', fields.IntField()),
                ('kecamatan_id', fields.IntField()),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'achievement_stat_institution', 'app': 'models', 'unique_together': (('institution_id', 'date', 'status', 'level', 'rank', 'category_id', 'kecamatan_id'),), 'indexes': [Index(fields=['status', 'year', 'institution_id'])], 'pk_attr': 'id', 'table_description': 'Number of achievements per institution, day and the dimensions a ranking of institutions filters on.'},
            bases=['Model'],
        ),
    ]
