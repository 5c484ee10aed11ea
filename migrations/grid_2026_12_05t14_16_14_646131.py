from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Varchar

ID = "2026-12-05T14:16:14:646131"
VERSION = "1.38.0"
DESCRIPTION = "Drop indexes covered by others: reminder(staff), audit_log(table_name)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="grid", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Reminder",
        tablename="reminder",
        column_name="staff",
        db_column_name="staff",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    manager.alter_column(
        table_class_name="AuditLog",
        tablename="audit_log",
        column_name="table_name",
        db_column_name="table_name",
        params={"index": False},
        old_params={"index": True},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
