"""API input and output schemas of the experts app, one module per subject."""
