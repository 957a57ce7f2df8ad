"""Access rules of the trials app (registered with core.policy)."""
