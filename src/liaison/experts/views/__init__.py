"""The experts app's pages, one module per subject (joined by ``experts/urls.py``)."""
