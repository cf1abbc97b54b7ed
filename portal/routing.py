"""URL rules that compile their URL builders when first asked to build a URL, not when the app is created.

werkzeug compiles two Python functions for every rule as it is added (about 50 ms for the portal's 240 rules), which
every `flask` command paid before doing anything; a serving process pays it a rule at a time, at the first url_for
of each. The URLs built are werkzeug's own. The app class also skips Flask's inspection of every hook on every
request when the hook is a plain function or method (LazyRulesFlask.ensure_sync).
"""
from __future__ import annotations

from collections.abc import Callable
from inspect import CO_COROUTINE
from types import FunctionType, MethodType
from typing import Any

from flask import Flask
from werkzeug.routing import Rule


class LazyBuildRule(Rule):
    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            if not compiled:
                compiled.append(Rule._compile_builder(rule, append_unknown))
            return compiled[0](rule, **values)

        return build


class LazyRulesFlask(Flask):
    """Flask whose every rule, the static files' included, is a LazyBuildRule."""

    url_rule_class = LazyBuildRule

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """func itself when its code says it is no coroutine, else Flask's answer: Flask calls this for every
        before, after and teardown hook and view of every request, and its inspect.iscoroutinefunction costs about
        a twentieth of a cached page's time."""
        function = func.__func__ if type(func) is MethodType else func
        if type(function) is FunctionType and not function.__code__.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)
