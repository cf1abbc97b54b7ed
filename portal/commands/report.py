"""flask report …: import published progress reports."""
import click
from flask.cli import AppGroup


@click.group("report", cls=AppGroup)
def cli() -> None:
    """进展通报。"""
