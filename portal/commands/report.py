"""flask report …: import published progress reports."""
import click


@click.group("report")
def cli() -> None:
    """进展通报。"""
