"""Piccolo configuration: the engine comes from settings, one app owns the migrations."""

from piccolo.conf.apps import AppRegistry

from app.database import asyncpg_config, resolve_database_url
from app.replica import ReplicaRoutingEngine
from app.settings import settings

# One engine for every table; inside reading_from_replica() it reads from the replica.
DB = ReplicaRoutingEngine(
    config=asyncpg_config(resolve_database_url()),
    replica_config=(
        asyncpg_config(settings.database_replica_url) if settings.database_replica_url else None
    ),
    log_queries=False,
)

APP_REGISTRY = AppRegistry(
    apps=[
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
        "piccolo_api.mfa.authenticator.piccolo_app",
        "piccolo_admin.piccolo_app",
        "tables.piccolo_app",
    ]
)
