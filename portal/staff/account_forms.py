"""Forms for staff accounts: login, own password, and the user administration."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..labels import ROLES
from ..services.accounts.users import UserError, password_problem

PASSWORD_REQUIRED = _l("请填写密码。")
PASSWORDS_DIFFER = _l("两次输入的新密码不一致。")


def long_enough(_form: FlaskForm, field: Field) -> None:
    """The services' password rule, checked with the other fields so that every error shows at once."""
    if problem := password_problem(field.data):
        raise ValidationError(problem)


class LoginForm(FlaskForm):
    """邮箱 + 密码; the field names are fixed (email, password)."""

    email = StringField(_l("电子邮箱"), validators=[DataRequired(_l("请填写电子邮箱。")), Length(max=254)])
    password = PasswordField(_l("密码"), validators=[DataRequired(PASSWORD_REQUIRED)])


class PasswordForm(FlaskForm):
    """Change one's own password: the old one, and the new one twice."""

    old_password = PasswordField(_l("原密码"), validators=[DataRequired(PASSWORD_REQUIRED)])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(PASSWORD_REQUIRED), long_enough])
    new_password_repeat = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(PASSWORD_REQUIRED), EqualTo("new_password", PASSWORDS_DIFFER)])


class AccountForm(FlaskForm):
    """Name, role and department: what both creating and editing an account ask for."""

    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=100)])
    role = SelectField(_l("角色"), choices=[SelectChoice(code, text) for code, text in ROLES.items()])
    department = StringField(_l("所属部门"), validators=[Length(max=100)])


class UserEditForm(AccountForm):
    """What an administrator may change on an account."""

    active = BooleanField(_l("账号启用"))


class UserCreateForm(AccountForm):
    """A new account: its email and first password as well."""

    email = StringField(_l("电子邮箱"), validators=[DataRequired(_l("请填写电子邮箱。")), Length(max=254)])
    password = PasswordField(_l("初始密码"), validators=[DataRequired(PASSWORD_REQUIRED), long_enough])
    password_repeat = PasswordField(_l("再次输入初始密码"), validators=[
        DataRequired(PASSWORD_REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))])


class PasswordResetForm(FlaskForm):
    """An administrator sets a new password for someone else, confirming that their sessions end."""

    new_password = PasswordField(_l("新密码"), validators=[DataRequired(PASSWORD_REQUIRED), long_enough])
    new_password_repeat = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(PASSWORD_REQUIRED), EqualTo("new_password", PASSWORDS_DIFFER)])
    confirm = BooleanField(_l("我确认重置该用户的密码，其已登录的会话将全部失效。"),
                           validators=[DataRequired(_l("请勾选确认。"))])


def show_service_error(form: FlaskForm, exc: UserError) -> None:
    """Put a service's refusal next to the field it names, or above the form when it names none here."""
    if exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))
