"""flask mail ingest / fetch (being written)."""
import click


@click.command("ingest")
def ingest() -> None:
    """读入一封原始邮件。"""
    raise click.ClickException("尚未完成")


@click.command("fetch")
def fetch() -> None:
    """从 IMAP 邮箱收取邮件。"""
    raise click.ClickException("尚未完成")
