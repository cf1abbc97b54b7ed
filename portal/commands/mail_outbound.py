"""flask mail send (being written)."""
import click


@click.command("send")
def send() -> None:
    """发送待发邮件。"""
    raise click.ClickException("尚未完成")
