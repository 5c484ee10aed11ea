"""党建: party organisations on the grid, party members, coverage."""
