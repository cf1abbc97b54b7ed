"""URL rules that compile their URL builders when first asked to build a URL, and views registered when the URL map
is first needed, not when the app is created.

werkzeug compiles two Python functions for every rule as it is added (about 50 ms for the portal's 240 rules), which
every `flask` command paid before doing anything; a serving process pays it a rule at a time, at the first url_for
of each. The URLs built are werkzeug's own. The app class also skips Flask's inspection of every hook on every
request when the hook is a plain function or method (LazyRulesFlask.ensure_sync).

Importing the views (the blueprints and the service modules they import) was a third of what creating the app cost.
A `flask` command needs none of it: its `--help` is printed, and its work done in an application context, without a
route. So the views are registered when something needs them: the first request (its request context), or the first
reading of the URL map (url_for outside a request, which needs SERVER_NAME; a look at the rules). A serving process
registers them before its first request (portal.warmup).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from inspect import CO_COROUTINE
from types import FunctionType, MethodType
from typing import Any

from flask import Flask
from flask.ctx import RequestContext
from werkzeug.routing import Map, Rule


class LazyBuildRule(Rule):
    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            if not compiled:
                compiled.append(Rule._compile_builder(rule, append_unknown))
            return compiled[0](rule, **values)

        return build


class LazyRulesFlask(Flask):
    """Flask whose every rule, the static files' included, is a LazyBuildRule, and whose views, once deferred
    (defer_views), are registered at the first request context or reading of url_map."""

    url_rule_class = LazyBuildRule
    #: what registers the deferred views; None once they are registered (or when none were deferred)
    _register_views: Callable[[Flask], None] | None = None

    @property
    def url_map(self) -> Map:
        self.register_views()
        return self._url_map

    @url_map.setter
    def url_map(self, value: Map) -> None:
        self._url_map = value

    def request_context(self, environ: dict[str, Any]) -> RequestContext:
        self.register_views()
        return super().request_context(environ)

    def defer_views(self, register: Callable[[Flask], None]) -> None:
        """Call register(app) at the first request context, reading of the URL map or call of register_views."""
        self._views_lock = threading.RLock()
        self._registering = False
        self._register_views = register

    def register_views(self) -> None:
        """Register the deferred views now (once; a thread that reads the URL map meanwhile waits for them)."""
        if self._register_views is None:
            return
        with self._views_lock:
            register = self._register_views
            if register is None or self._registering:  # registered, or registering in this thread (add_url_rule)
                return
            self._registering = True
            try:
                register(self)
            finally:
                self._registering = False
            self._register_views = None

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """func itself when its code says it is no coroutine, else Flask's answer: Flask calls this for every
        before, after and teardown hook and view of every request, and its inspect.iscoroutinefunction costs about
        a twentieth of a cached page's time."""
        function = func.__func__ if type(func) is MethodType else func
        if type(function) is FunctionType and not function.__code__.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)
