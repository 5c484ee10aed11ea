"""Open311 GeoReport v2 at /open311/v2/: hotlines and civic apps report to the grid."""
