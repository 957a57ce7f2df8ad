"""Access rules of the literature app (registered with core.policy)."""
