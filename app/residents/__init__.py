"""Residents take part (/r/): report, supervise, follow with a tracking code, rate the answer."""
