"""The experts app's operations that write, one module per subject."""
