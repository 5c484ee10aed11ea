"""The peers the product is measured against, serving the same answers from the same tables."""
