"""flask ledger …: import and export the rectification ledger."""
import click
from flask.cli import AppGroup


@click.group("ledger", cls=AppGroup)
def cli() -> None:
    """整改台账导入导出。"""
