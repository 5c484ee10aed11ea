"""The login limit, one for all web processes and every login form: counted in PostgreSQL.

Each password login — the admin's (admin/login_limit.py wraps piccolo-admin with it) and the
phone app's (app/field) — counts one attempt per client address with one atomic upsert into
login_attempt_window (one row per address and 5-minute window of the database's clock).
An attempt that makes the count exceed ADMIN_LOGIN_LIMIT is refused with Retry-After: the
seconds until the window ends, which is how long the address stays blocked. Every attempt
counts, right password or not.

The statement runs as the table owner outside any request scope (the counters belong to no
user; grid_app may not touch them), and the first attempt of a window deletes the windows
that have ended.
"""

from __future__ import annotations

from tables.system import LoginAttemptWindow

WINDOW_SECONDS = 300
CLIENT_CHARS = LoginAttemptWindow.client.length

COUNT_ATTEMPT = f"""
WITH counted AS (
    INSERT INTO login_attempt_window AS w (client, window_start, attempts)
    VALUES ({{}}, to_timestamp(floor(extract(epoch FROM now()) / {WINDOW_SECONDS}) * {WINDOW_SECONDS}), 1)
    ON CONFLICT (client, window_start) DO UPDATE SET attempts = w.attempts + 1
    RETURNING attempts, window_start
), ended AS (
    DELETE FROM login_attempt_window
    WHERE window_start <= now() - interval '{WINDOW_SECONDS} seconds'
      AND EXISTS (SELECT FROM counted WHERE attempts = 1)
)
SELECT attempts,
       ceil(extract(epoch FROM window_start + interval '{WINDOW_SECONDS} seconds' - now()))::integer
           AS retry_after
FROM counted
"""


async def count_attempt(client: str) -> tuple[int, int]:
    """Count one login attempt of `client`: (attempts in the current window, seconds left)."""
    (row,) = await LoginAttemptWindow.raw(COUNT_ATTEMPT, client[:CLIENT_CHARS])
    return row["attempts"], max(1, row["retry_after"])


PEEK = f"""
SELECT attempts FROM login_attempt_window
WHERE client = {{}}
  AND window_start = to_timestamp(floor(extract(epoch FROM now()) / {WINDOW_SECONDS}) * {WINDOW_SECONDS})
"""


async def attempts_so_far(client: str) -> int:
    """How many attempts `client` made in the current window (counting none)."""
    rows = await LoginAttemptWindow.raw(PEEK, client[:CLIENT_CHARS])
    return int(rows[0]["attempts"]) if rows else 0
