"""A throw-away app that proves adding an app is one line in ``INSTALLED_APPS`` plus the
app's own folder: ``tests/settings.py`` installs it, nothing central names it, and
``tests/test_throwaway_app.py`` finds it in the navigation, the API, ``liaison --help``
and the authorization matrix."""
