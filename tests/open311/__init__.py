"""Open311 GeoReport v2 at /open311/v2/: written from the spec's examples, in JSON and XML."""
