"""Areas: district → street → community → responsibility grid (codes, boundaries, sizes)."""
