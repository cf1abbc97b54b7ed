"""URL rules that compile their URL builders when first asked to build a URL, not when the app is created.

werkzeug compiles two Python functions for every rule as it is added (about 50 ms for the portal's 240 rules), which
every `flask` command paid before doing anything; a serving process pays it a rule at a time, at the first url_for
of each. The URLs built are werkzeug's own.
"""
from __future__ import annotations

from collections.abc import Callable
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
