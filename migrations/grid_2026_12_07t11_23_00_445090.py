from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Unique
from piccolo.table import Table


class SupervisionRecord(Table, tablename="supervision_record", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-12-07T11:23:00:445090"
VERSION = "1.38.0"
DESCRIPTION = "Webhook deliveries for a resident supervision record's status changes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="grid", description=DESCRIPTION)

    manager.add_column(
        table_class_name="WebhookDelivery",
        tablename="webhook_delivery",
        column_name="supervision_record",
        db_column_name="supervision_record",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": SupervisionRecord,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="WebhookDelivery",
        tablename="webhook_delivery",
        column_name="supervision_status",
        db_column_name="supervision_status",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum(
                "SupervisionStatus",
                {
                    "received": "received",
                    "handling": "handling",
                    "answered": "answered",
                    "closed": "closed",
                },
            ),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="WebhookDelivery",
        tablename="webhook_delivery",
        constraint_name="once_per_supervision_step",
        constraint_class=Unique,
        params={
            "columns": ["endpoint", "supervision_record", "supervision_status"],
            "nulls_distinct": True,
        },
        schema=None,
    )

    return manager
