"""flask db …: schema migrations with Alembic."""
from __future__ import annotations

from types import ModuleType

import click
from flask.cli import AppGroup

from .. import db
from ..migrate import alembic_config


@click.group("db", cls=AppGroup)
def cli() -> None:
    """数据库迁移 (Alembic)。"""


def _alembic() -> ModuleType:
    """Alembic's commands, imported when one runs (`flask db --help` does without them)."""
    from alembic import command

    return command


@cli.command("upgrade", help="把数据库升级到最新结构（或指定版本）。")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    with db.engine().begin() as connection:
        _alembic().upgrade(alembic_config(connection), revision)
    click.echo(f"数据库已升级到 {revision}。")


@cli.command("downgrade", help="把数据库降级到指定版本。")
@click.argument("revision")
def downgrade(revision: str) -> None:
    with db.engine().begin() as connection:
        _alembic().downgrade(alembic_config(connection), revision)


@cli.command("current", help="显示数据库当前的迁移版本。")
def current() -> None:
    with db.engine().connect() as connection:
        _alembic().current(alembic_config(connection))


@cli.command("revision", help="新建迁移脚本（开发用）。")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True, help="与模型比较，自动生成差异。")
def revision(message: str, autogenerate: bool) -> None:
    with db.engine().begin() as connection:
        _alembic().revision(alembic_config(connection), message=message, autogenerate=autogenerate)
