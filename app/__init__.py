"""People's Grid (人民网格) application package."""
