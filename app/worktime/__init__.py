"""Time limits in working time (时限): calendar, standards, stage deadlines, extensions."""
