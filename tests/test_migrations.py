"""Migrations build the whole schema on an empty database and match the tables exactly."""

from piccolo.apps.migrations.commands.new import AutoMigrationManager

from tables.piccolo_app import ALL_TABLES, APP_CONFIG


async def test_tables_and_migrations_do_not_drift() -> None:
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(APP_CONFIG)
    pending = [s for group in statements for s in group.statements]
    assert pending == [], f"tables differ from migrations; run `make migrations`: {pending}"


async def test_every_table_exists_after_migrating_an_empty_database() -> None:
    db = ALL_TABLES[0]._meta.db
    rows = await db.run_ddl("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    existing = {r["tablename"] for r in rows}
    missing = {t._meta.tablename for t in ALL_TABLES} - existing
    assert not missing


async def test_audit_trigger_records_writes_with_actor() -> None:
    from app.db import write_transaction
    from tables.areas import District
    from tables.system import AuditLog

    async with write_transaction(actor_id=42):
        await District.insert(District(code="340705", name="铜官区")).run()
    rows = await AuditLog.select().where(AuditLog.table_name == "district").run()
    assert len(rows) == 1
    assert rows[0]["actor_id"] == 42
    assert rows[0]["action"] == "INSERT"
    assert rows[0]["after"] is not None
