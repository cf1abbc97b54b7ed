"""Warming a serving process before its first request: the views, jieba's dictionary, the measure and public search
indexes of the campaigns and the compiled templates.

Without it the first opinion a worker stores waits seconds for them, and each page's first view waits for its
templates to compile. gunicorn calls warm_up in each worker before it takes requests (portal/gunicorn_conf.py); tests
and operator commands never do.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from . import db
from .models import Campaign
from .routing import LazyRulesFlask
from .services.common import segment
from .services.common.clocks import ClockSettings
from .services.feedback import suggest
from .services.public_search import index as public_index

log = logging.getLogger(__name__)
#: the measure indexes of this many of the newest campaigns are built (the cache keeps suggest.CACHED_MEASURES measures)
WARM_CAMPAIGNS = 16


def warm_up(app: Flask, alive: Callable[[], None] = lambda: None) -> None:
    """Register the views, compile the templates, load the segmenter and build the indexes of the newest campaigns
    (as many as a process keeps); alive is called after each step, so a supervisor that watches the process knows it
    is not stuck. A database that cannot be read is logged and left for the first request, as without warming."""
    started = time.perf_counter()
    if isinstance(app, LazyRulesFlask):
        app.register_views()
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    alive()
    segment.load()
    alive()
    built = 0
    with app.app_context():
        session = db.session()
        try:
            local_date = ClockSettings.from_config(app.config).local_date
            for campaign in session.scalars(select(Campaign).order_by(Campaign.id.desc())
                                            .limit(WARM_CAMPAIGNS)):
                suggest.campaign_index(session, campaign)
                if built < public_index.CACHED:
                    public_index.campaign_index(session, campaign, local_date)
                built += 1
                alive()
        except SQLAlchemyError as exc:
            log.warning("warm-up could not read the campaigns: %s", type(exc).__name__)
        finally:
            session.rollback()
    log.info("warmed up: views, templates, segmenter and %d campaigns' measure and search indexes in %.1f s", built,
             time.perf_counter() - started)
