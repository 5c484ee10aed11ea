"""City-scale benchmark harness (issue 7): `python -m bench --help`."""
