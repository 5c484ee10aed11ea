"""The base map under the app's own map layers: chosen by settings, described to the browser
as JSON, and (for an MBTiles file) served by the app itself."""
