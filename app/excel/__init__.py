"""Excel (.xlsx) in and out: templates, imports through the domain services, exports, reports.

- `app.excel.specs`: what each importable kind's columns are and which service saves a row.
- `app.excel.importer`: one transaction per file, every row through the service; a report of
  row, column and reason; dry runs roll back.
- `app.excel.workbook` / `app.excel.exports`: templates, list and rollup exports, the monthly
  assessment report.
- `python -m app.excel`: the same from the command line, with a progress bar.
"""
