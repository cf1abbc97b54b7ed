"""gunicorn reads this file by itself when started in the repository root: the portal's settings
(portal/gunicorn_conf.py; elsewhere pass -c python:portal.gunicorn_conf)."""
from portal.gunicorn_conf import post_worker_init  # noqa: F401
