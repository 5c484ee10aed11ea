"""People who work the grid: staff accounts, grid assignments and leave."""
