"""Platform endpoints: health and the problem-details error mapping."""
