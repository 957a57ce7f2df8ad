"""Adverse events heard in the field: intake, the reporting clocks, AE language caught in notes, ICH E2B(R3)."""
