"""Warming a serving worker (portal.gunicorn_conf → portal.warmup): the first request finds segmenter, index and
templates ready."""
from __future__ import annotations

from collections import OrderedDict

import pytest

from portal import create_app
from portal.services.common import segment
from portal.services.feedback import suggest
from portal.services.public_search import index as public_index
from portal.warmup import warm_up


def test_warm_up_loads_the_segmenter_and_builds_the_campaign_index_the_first_request_uses(app, session,
                                                                                          small_campaign, monkeypatch):
    session.commit()
    monkeypatch.setattr(suggest, "_cache", OrderedDict())
    monkeypatch.setattr(public_index, "_cache", OrderedDict())
    steps = []
    warm_up(app, alive=lambda: steps.append("alive"))
    assert steps == ["alive"] * 3  # after the templates, the segmenter and the one campaign
    assert segment._tokenizer.cache_info().currsize == 1
    assert app.jinja_env.cache and any(name == "staff/item.html" for _, name in app.jinja_env.cache)
    assert [key[0] for key in suggest._cache] == [small_campaign.id]
    assert [key[0] for key in public_index._cache] == [small_campaign.id]
    monkeypatch.setattr(suggest, "build_index", lambda *args: pytest.fail("the first request built the index"))
    assert suggest.campaign_index(session, small_campaign) is next(iter(suggest._cache.values()))


def test_warm_up_without_a_readable_database_leaves_the_index_to_the_first_request(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "SECRET_KEY": "test"},
                     instance_path=str(tmp_path / "instance"))
    steps = []
    assert not app.blueprints  # registered at the first request (portal.routing) …
    warm_up(app, alive=lambda: steps.append("alive"))  # no tables: logged, not raised (the worker still starts)
    assert steps == ["alive"] * 2
    assert set(app.blueprints) == {"public", "api", "staff", "health"}  # … or before it, by the warm-up
    app.extensions["portal.db"].kw["bind"].dispose()
