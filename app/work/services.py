"""The work domain's public services: departments, the access list (准入制度), work items.

Implemented in access.py and items.py; import from here.
"""

from app.work.access import (
    ACCESS_DECISIONS,
    access_refusal_reason,
    active_entries,
    approve_access_entry,
    check_access,
    clean_access_entry,
    clean_department,
    create_department,
    decide_access_entry,
    propose_access_entry,
    reject_access_entry,
    revoke_access_entry,
    update_access_entry,
    update_department,
)
from app.work.items import (
    ALLOWED_TRANSITIONS,
    TERMINAL_STATUSES,
    clean_work_item,
    push_work_item,
    transition_work_item,
    update_work_item,
    work_item_history,
)

__all__ = [
    "ACCESS_DECISIONS",
    "ALLOWED_TRANSITIONS",
    "TERMINAL_STATUSES",
    "access_refusal_reason",
    "active_entries",
    "approve_access_entry",
    "check_access",
    "clean_access_entry",
    "clean_department",
    "clean_work_item",
    "create_department",
    "decide_access_entry",
    "propose_access_entry",
    "push_work_item",
    "reject_access_entry",
    "revoke_access_entry",
    "transition_work_item",
    "update_access_entry",
    "update_department",
    "update_work_item",
    "work_item_history",
]
