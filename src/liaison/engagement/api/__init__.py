"""The engagement API: one router per subject (interactions, insights, follow-ups, meetings)."""
