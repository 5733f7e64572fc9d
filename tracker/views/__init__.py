"""Public pages. Each view builds its data in a fixed number of queries and renders a template."""
