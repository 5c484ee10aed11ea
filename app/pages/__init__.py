"""Server-rendered pages: grid maps, dashboards, the public openness page (no JS, no CDN)."""
