"""flask backup / flask restore / flask privacy purge: operations on the whole installation."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .. import db
from ..services.feedback import retention
from ..services.follow import retention as follow_retention
from ..services.ops import backup as backups


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path) -> None:
    """把数据库和全部附件备份到一个 .tar.gz 文件 PATH（含清单和校验和，权限 0600）。"""
    try:
        manifest = backups.create_backup(db.engine(), _upload_dir(), path, click.echo)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    session = db.session()
    backups.record_backup(session, manifest)
    session.commit()
    click.echo(f"备份完成：{path}（{backups.DATABASE_LABELS[manifest.database]} 数据库，"
               f"附件 {manifest.uploads} 个，结构版本 {manifest.alembic_revision or '无'}）。")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="不再询问，直接恢复。")
@with_appcontext
def restore(path: Path, yes: bool) -> None:
    """用备份 PATH 替换当前的数据库和全部附件（先停止门户和邮件进程）。"""
    engine = db.engine()
    click.echo(f"正在校验备份 {path}…")
    try:
        manifest = backups.read_backup(path)
        backups.check_compatible(manifest, engine)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"备份有效：{backups.DATABASE_LABELS[manifest.database]} 数据库，创建于 {manifest.created_at}，"
               f"结构版本 {manifest.alembic_revision or '无'}，附件 {manifest.uploads} 个。")
    if not yes:
        click.confirm("恢复会用备份替换当前的全部数据和附件，当前数据将丢失。确定继续吗？", abort=True)
    try:
        backups.restore_backup(path, manifest, engine, _upload_dir(), click.echo)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    session = db.session()
    backups.record_restore(session, manifest)
    session.commit()
    click.echo("恢复完成。")


@click.group("privacy", cls=AppGroup)
def privacy() -> None:
    """个人信息保护。"""


@privacy.command("purge")
@click.option("--dry-run", is_flag=True, help="只统计会处理多少，不做任何修改。")
def purge(dry_run: bool) -> None:
    """匿名化办结超过保存期限（PRIVACY_RETENTION_YEARS 年）的件的个人信息；案件内容本身保留。"""
    years = int(current_app.config["PRIVACY_RETENTION_YEARS"])
    session = db.session()
    now = datetime.now(UTC)
    result = retention.purge(session, retention_years=years, upload_dir=_upload_dir(), now=now, dry_run=dry_run)
    followers = follow_retention.purge(session, now, dry_run=dry_run)
    click.echo(f"保存期限 {years} 年：处理 {result.cutoff.date().isoformat()} 之前办结的件。")
    click.echo(f"{'将涉及' if dry_run else '已处理'} {result.items} 件：联系方式 {result.contacts} 条，"
               f"原始邮件 {result.inbound_messages} 封，发件地址 {result.outbox_messages} 封，"
               f"附件 {result.attachments} 个。")
    click.echo(f"关注：{'将删除' if dry_run else '已删除'}未确认或已退订的关注 {followers.subscriptions} 条，"
               f"关注邮件收件地址 {followers.mails} 封（{follow_retention.MAIL_DAYS} 天后匿名化）。")
    if dry_run:
        click.echo("试运行：没有做任何修改。")
        return
    session.commit()
    click.echo(f"已删除附件文件 {retention.remove_files(result.files)} 个。")


COMMANDS = (backup, restore, privacy)
