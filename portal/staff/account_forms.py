"""Forms for staff accounts: login, own password, password links, and the user and department administration."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from ..labels import ROLES
from ..services.accounts.credentials import GENERATED, LINK, LINK_HOURS
from ..services.accounts.users import password_problem
from ..services.common.errors import ServiceError

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


#: how a new or reset password reaches the user (portal.services.accounts.credentials.METHODS)
METHOD_CHOICES = [SelectChoice(LINK, _l("发送设置密码链接（邮件，%(hours)s小时内有效，由本人设置密码）",
                                      hours=LINK_HOURS)),
                  SelectChoice(GENERATED, _l("生成临时密码（只显示一次，由您告知本人，首次登录须修改）"))]
CHOOSE_METHOD = _l("请选择发送设置密码链接或生成临时密码。")


class AccountForm(FlaskForm):
    """Name, role and department: what both creating and editing an account ask for; the department is one of the
    managed list (choices set by the view)."""

    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=100)])
    role = SelectField(_l("角色"), choices=[SelectChoice("", _l("请选择")),
                                          *(SelectChoice(code, text) for code, text in ROLES.items())],
                       validators=[DataRequired(_l("请选择角色。"))])
    department = SelectField(_l("所属部门"), choices=[], validate_choice=False)


class UserEditForm(AccountForm):
    """What an administrator may change on an account (deactivation has its own confirmation page)."""


class UserCreateForm(AccountForm):
    """A new account: its email, and how the user gets a password."""

    email = StringField(_l("电子邮箱"), validators=[DataRequired(_l("请填写电子邮箱。")), Length(max=254)])
    method = RadioField(_l("设置密码的方式"), choices=METHOD_CHOICES, validators=[InputRequired(CHOOSE_METHOD)],
                        validate_choice=False)


class PasswordResetForm(FlaskForm):
    """An administrator resets someone else's password by link or generated password, confirming it."""

    method = RadioField(_l("重置方式"), choices=METHOD_CHOICES, validators=[InputRequired(CHOOSE_METHOD)],
                        validate_choice=False)
    confirm = BooleanField(_l("我确认重置该用户的密码。"), validators=[DataRequired(_l("请勾选确认。"))])


class SetPasswordForm(FlaskForm):
    """The user of an invitation or reset link chooses their password; the token travels in a hidden field."""

    token = HiddenField()
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(PASSWORD_REQUIRED), long_enough])
    new_password_repeat = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(PASSWORD_REQUIRED), EqualTo("new_password", PASSWORDS_DIFFER)])


class ConfirmForm(FlaskForm):
    """A confirmation box, e.g. before deactivating an account."""

    confirm = BooleanField(_l("我已查看上述未完成的工作，确认继续。"), validators=[DataRequired(_l("请勾选确认。"))])


class DepartmentForm(FlaskForm):
    """A department's name."""

    name = StringField(_l("部门名称"), validators=[DataRequired(_l("请填写部门名称。")), Length(max=100)])


class MergeForm(FlaskForm):
    """The department to merge into (choices set by the view) and, on the confirmation page, the confirmation."""

    target = SelectField(_l("并入部门"), choices=[], validators=[DataRequired(_l("请选择要并入的部门。"))])
    confirm = HiddenField()


def show_service_error(form: FlaskForm, exc: ServiceError) -> None:
    """Put a service's refusal next to the field it names, or above the form when it names none here."""
    if exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))
