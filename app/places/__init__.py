"""Places in a grid: buildings, facilities, organisations, households and residents."""
