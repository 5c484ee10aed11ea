"""网格通: the grid worker's phone app. The JSON API under /m/api/ (this package) calls the
domain services of app/daily, app/work, app/places; the pages and static files are in
templates/ and static/."""
