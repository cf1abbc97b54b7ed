"""flask ledger …: import and export the rectification ledger."""
import click


@click.group("ledger")
def cli() -> None:
    """整改台账导入导出。"""
