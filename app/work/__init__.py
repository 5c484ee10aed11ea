"""Work that enters communities: departments, the access list (准入清单) and work items."""
