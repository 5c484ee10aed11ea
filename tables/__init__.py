"""Piccolo tables, one module per domain. `tables.piccolo_app` registers them all."""
