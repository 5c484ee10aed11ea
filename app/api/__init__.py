"""The integrator API under /api/v1/ (see app.api.router)."""
