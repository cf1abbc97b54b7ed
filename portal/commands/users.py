"""flask users …: create, list, set passwords and deactivate staff accounts."""
from __future__ import annotations

import sys
from datetime import datetime
from typing import NoReturn
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db
from ..models.staff import ROLES
from ..services.accounts.users import (
    UserError,
    create_user,
    deactivate_user,
    list_users,
    password_problem,
    reset_password,
    user_by_email,
)

PASSWORD_STDIN_HELP = "从标准输入读取密码（读取第一行）；在终端中运行时改为不回显的输入提示。"


@click.group("users", cls=AppGroup)
def cli() -> None:
    """工作人员账号管理。"""


def _fail(message: str) -> NoReturn:
    """Print message to stderr and exit with status 1."""
    click.echo(message, err=True)
    raise click.exceptions.Exit(1)


def _read_password(from_stdin: bool) -> str:
    """The new password: the first line of stdin when piped, else typed twice without echo."""
    if from_stdin and not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码", err=True)
    if problem := password_problem(password):
        _fail(problem)
    return password


@cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help=f"角色：{'、'.join(ROLES)}。")
@click.option("--department", help="所属部门（承办部门人员必填；不存在时自动新建）。")
@click.option("--name", help="姓名（默认取邮箱@前的部分）。")
@click.option("--password-stdin", "password_stdin", is_flag=True, help=PASSWORD_STDIN_HELP)
def create(email: str, role: str, department: str | None, name: str | None, password_stdin: bool) -> None:
    """新建工作人员账号 EMAIL。"""
    password = _read_password(password_stdin)
    session = db.session()
    try:
        user = create_user(session, email, name or "", role, password, department=department)
    except UserError as exc:
        _fail(str(exc))
    session.commit()
    click.echo(f"已创建账号 {user.email}（{role}）。")


@cli.command("list")
def list_() -> None:
    """列出全部工作人员账号：邮箱、姓名、角色、部门、状态、锁定至、最近登录。"""
    accounts = list_users(db.session())
    if not accounts:
        click.echo("还没有工作人员账号。用 flask users create EMAIL --role admin --password-stdin 新建。")
    for user in accounts:
        click.echo("\t".join((user.email, user.name, user.role, user.department.name if user.department else "-",
                              "启用" if user.active else "已停用", _when(user.locked_until),
                              _when(user.last_login_at))))


def _when(value: datetime | None) -> str:
    """A timestamp in the portal's time zone, or - when there is none."""
    if value is None:
        return "-"
    return value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).strftime("%Y-%m-%d %H:%M")


@cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", "password_stdin", is_flag=True, help=PASSWORD_STDIN_HELP)
def set_password(email: str, password_stdin: bool) -> None:
    """为账号 EMAIL 设置新密码：解除锁定，并使其已登录的会话全部失效。"""
    session = db.session()
    try:
        user = user_by_email(session, email)
        reset_password(session, user, _read_password(password_stdin))
    except UserError as exc:
        _fail(str(exc))
    session.commit()
    click.echo(f"已为 {user.email} 设置新密码，其已登录的会话全部失效。")


@cli.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """停用账号 EMAIL：不能再登录，已登录的会话立即失效。"""
    session = db.session()
    try:
        user = user_by_email(session, email)
    except UserError as exc:
        _fail(str(exc))
    if not deactivate_user(session, user):
        click.echo(f"账号 {user.email} 已是停用状态。")
        return
    session.commit()
    click.echo(f"已停用账号 {user.email}。")
