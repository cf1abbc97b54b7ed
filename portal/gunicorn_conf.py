"""gunicorn settings: each worker compiles the templates, loads jieba's dictionary and builds the campaigns' measure
indexes before it takes its first request (portal.warmup). gunicorn reads them with -c python:portal.gunicorn_conf,
or from the repository's gunicorn.conf.py, which it reads by itself when started in the repository root (scripts/run).
"""
from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    from portal.warmup import warm_up
    warm_up(worker.wsgi, alive=worker.notify)
