"""志愿服务: volunteer teams, volunteers, activities, sign-ups, hours and points."""
