"""API input and output schemas of the safety app, one module per subject: cases,
flags, E2B files and the reconciliation report. Shapes only: the rules are the
services'."""
