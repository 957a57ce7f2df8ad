"""WSGI entry point used by ``liaison serve`` (gunicorn). What the application
creates is its user's alone (files 0600, folders 0700), however it is started."""

import os

from django.core.wsgi import get_wsgi_application

from liaison.lib.private_files import restrict_umask

restrict_umask()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
application = get_wsgi_application()
