from tortoise import migrations
from tortoise.migrations import operations as ops

from service.change_stamp import CREATE_TABLE


class Migration(migrations.Migration):
    """The change stamps' counters (full: id 1, public: id 2) on both databases; `juara migrate` installs
    the triggers that move them (service/change_stamp.py), as they follow the tables of the models."""

    dependencies = [('models', '0007_newsroom')]

    initial = False

    operations = [ops.RunSQL(CREATE_TABLE)]
