"""All SQL lives here: one module per aggregate, functions taking the connection first."""
