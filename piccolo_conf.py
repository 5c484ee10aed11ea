"""Piccolo configuration: the engine comes from settings, one app owns the migrations."""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

from app.database import asyncpg_config, resolve_database_url

DB = PostgresEngine(config=asyncpg_config(resolve_database_url()), log_queries=False)

APP_REGISTRY = AppRegistry(
    apps=[
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
        "piccolo_api.mfa.authenticator.piccolo_app",
        "piccolo_admin.piccolo_app",
        "tables.piccolo_app",
    ]
)
