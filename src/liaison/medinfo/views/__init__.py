"""The medical information pages, one module per subject; ``urls.py`` joins their
``urlpatterns``."""
