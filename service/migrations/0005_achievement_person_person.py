from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_stats_yearly')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='AchievementPerson',
            index=Index(fields=['person_id']),
        ),
    ]
