"""The piccolo-admin site at /admin/: built once, every write inside one audited transaction."""
