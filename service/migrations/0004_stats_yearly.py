from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_stats_aggregates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AchievementStatYearly',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.SmallIntField()),
                ('status', fields.CharField(max_length=12)),
                ('level', fields.CharField(max_length=16)),
                ('category_root_id', fields.IntField()),
                ('kecamatan_id', fields.IntField()),
                ('count', fields.IntField(default=0)),
                ('points', fields.BigIntField(default=0)),
            ],
            options={'table': 'achievement_stat_yearly', 'app': 'models', 'unique_together': (('year', 'status', 'level', 'category_root_id', 'kecamatan_id'),), 'indexes': [Index(fields=['status', 'year'])], 'pk_attr': 'id', 'table_description': 'Count and points per year, status, level, top-level category and kecamatan.'},
            bases=['Model'],
        ),
    ]
