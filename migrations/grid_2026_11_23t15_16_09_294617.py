from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-11-23T15:16:09:294617"
VERSION = "1.38.0"
DESCRIPTION = "True"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="grid", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Resident",
        tablename="resident",
        column_name="id_number",
        db_column_name="id_number",
        params={"unique": True, "index": False},
        old_params={"unique": False, "index": True},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
