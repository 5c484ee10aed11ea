"""一表通: statistics requests answered once, from the data the platform already holds."""
