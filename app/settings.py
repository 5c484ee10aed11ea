"""Every environment variable the project reads is read here, and nowhere else."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; defaults make `make run` work on a bare machine."""

    database_url: str = field(default_factory=lambda: _env("DATABASE_URL"))
    # A streaming replica that read-only pages read from (app/replica.py); unset: the primary.
    database_replica_url: str = field(default_factory=lambda: _env("DATABASE_REPLICA_URL"))
    test_database_url: str = field(default_factory=lambda: _env("TEST_DATABASE_URL"))
    redis_url: str = field(default_factory=lambda: _env("REDIS_URL"))
    host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("PORT", "8000")))
    data_dir: Path = field(default_factory=lambda: Path(_env("DATA_DIR", str(ROOT / ".data"))))
    timezone_name: str = field(default_factory=lambda: _env("TIMEZONE", "Asia/Shanghai"))
    secret_key: str = field(
        default_factory=lambda: _env("SECRET_KEY", "dev-only-secret-change-me-in-production")
    )
    demo_password: str = field(default_factory=lambda: _env("DEMO_PASSWORD", "grid-demo-2026"))
    production: bool = field(default_factory=lambda: _env("PRODUCTION", "0") in {"1", "true"})
    db_pool_max: int = field(default_factory=lambda: int(_env("DB_POOL_MAX", "20")))
    # Login attempts per client address in 5 minutes before the admin login is blocked.
    admin_login_limit: int = field(default_factory=lambda: int(_env("ADMIN_LOGIN_LIMIT", "20")))
    # Host names (host[:port]) the admin accepts as Origin/Referer of writes over HTTPS.
    allowed_hosts: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            h.strip() for h in _env("ALLOWED_HOSTS").split(",") if h.strip()
        )
    )
    # Integrator API (/api/v1/): requests per window per token or login, and per client IP.
    api_rate_limit: int = field(default_factory=lambda: int(_env("API_RATE_LIMIT", "600")))
    api_ip_rate_limit: int = field(default_factory=lambda: int(_env("API_IP_RATE_LIMIT", "1200")))
    api_rate_window: int = field(default_factory=lambda: int(_env("API_RATE_WINDOW", "60")))
    api_token_days: int = field(default_factory=lambda: int(_env("API_TOKEN_DAYS", "90")))
    # Largest request bodies (413 beyond): /api/v1 JSON, and the admin with its uploads.
    api_max_body_bytes: int = field(
        default_factory=lambda: int(_env("API_MAX_BODY_BYTES", "2000000"))
    )
    upload_max_bytes: int = field(default_factory=lambda: int(_env("UPLOAD_MAX_BYTES", "20000000")))
    # Admin list counts whose planner estimate is above this many rows answer the estimate.
    admin_count_estimate_above: int = field(
        default_factory=lambda: int(_env("ADMIN_COUNT_ESTIMATE_ABOVE", "1000000"))
    )
    # 网格通 (/m/): worst position accuracy a check-in accepts (m); seconds between patrol
    # points; how old an offline check-in may be when it arrives; whether a patrol inside the
    # grid counts as the day's check-in; largest photo upload.
    field_accuracy_max_m: float = field(
        default_factory=lambda: float(_env("FIELD_ACCURACY_MAX_M", "100"))
    )
    patrol_interval_s: int = field(default_factory=lambda: int(_env("PATROL_INTERVAL_S", "30")))
    offline_max_delay_h: float = field(
        default_factory=lambda: float(_env("OFFLINE_MAX_DELAY_H", "72"))
    )
    patrol_counts_as_check_in: bool = field(
        default_factory=lambda: _env("PATROL_COUNTS_AS_CHECK_IN", "1") in {"1", "true"}
    )
    photo_max_bytes: int = field(default_factory=lambda: int(_env("PHOTO_MAX_BYTES", "8000000")))
    # Residents' pages (/r/, app/residents): abuse limits per 5-minute window, the proof of
    # work asked before a submission (leading zero bits of a SHA-256), the radius of the
    # "already reported" suggestion and the days a closed case may be reopened.
    resident_ip_limit: int = field(default_factory=lambda: int(_env("RESIDENT_IP_LIMIT", "20")))
    resident_phone_limit: int = field(
        default_factory=lambda: int(_env("RESIDENT_PHONE_LIMIT", "5"))
    )
    resident_miss_limit: int = field(default_factory=lambda: int(_env("RESIDENT_MISS_LIMIT", "30")))
    resident_pow_bits: int = field(default_factory=lambda: int(_env("RESIDENT_POW_BITS", "16")))
    resident_nearby_m: float = field(default_factory=lambda: float(_env("RESIDENT_NEARBY_M", "50")))
    resident_reopen_days: int = field(
        default_factory=lambda: int(_env("RESIDENT_REOPEN_DAYS", "7"))
    )
    # Time limits (时限): the working day in TIMEZONE as HH:MM-HH:MM periods; the longest
    # extension a community admin may approve (longer ones go to the street), in working
    # days; how many extensions one work item may ask for.
    working_periods: str = field(
        default_factory=lambda: _env("WORKING_PERIODS", "08:30-12:00,14:00-17:30")
    )
    extension_community_max_days: float = field(
        default_factory=lambda: float(_env("EXTENSION_COMMUNITY_MAX_DAYS", "2"))
    )
    extension_max_per_item: int = field(
        default_factory=lambda: int(_env("EXTENSION_MAX_PER_ITEM", "2"))
    )

    # 志愿服务: points per confirmed hour; how many hours before the start a sign-up may
    # still be cancelled; how long the organiser's check-in QR code is valid (seconds).
    volunteer_points_per_hour: float = field(
        default_factory=lambda: float(_env("VOLUNTEER_POINTS_PER_HOUR", "10"))
    )
    volunteer_cancel_cutoff_h: float = field(
        default_factory=lambda: float(_env("VOLUNTEER_CANCEL_CUTOFF_H", "2"))
    )
    volunteer_qr_ttl_s: int = field(default_factory=lambda: int(_env("VOLUNTEER_QR_TTL_S", "300")))

    # Base map under the app's own layers (app/tiles): a Tianditu key (天地图, the official
    # base map, CGCS2000 = WGS84 without offset), any XYZ tile URL with its attribution, or
    # an MBTiles file the app serves itself (intranets). None set: no base map.
    tianditu_key: str = field(default_factory=lambda: _env("TIANDITU_KEY"))
    map_tile_url: str = field(default_factory=lambda: _env("MAP_TILE_URL"))
    map_tile_attribution: str = field(default_factory=lambda: _env("MAP_TILE_ATTRIBUTION"))
    map_mbtiles: str = field(default_factory=lambda: _env("MAP_MBTILES"))

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone_name)

    @property
    def embedded_pg_dir(self) -> Path:
        return self.data_dir / "pg"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"


settings = Settings()
