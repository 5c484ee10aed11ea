"""Two-way assessment (双向考核): indicators, scores given by people, the composite formula."""
