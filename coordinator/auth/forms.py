from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Vui lòng nhập email.")),
                                                 Email(_l("Email không hợp lệ."))])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")),
                                                         Length(max=200)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu.")),
        Length(min=10, max=200, message=_l("Mật khẩu cần từ 10 đến 200 ký tự."))])
    confirm = PasswordField(_l("Nhập lại mật khẩu"), validators=[
        DataRequired(_l("Vui lòng nhập lại mật khẩu.")),
        EqualTo("password", message=_l("Hai mật khẩu không khớp."))])


class CodeForm(FlaskForm):
    """The second step of a login, and the confirmation of a new authenticator app."""

    code = StringField(_l("Mã xác thực"), validators=[DataRequired(_l("Vui lòng nhập mã.")), Length(max=40)])


class ConfirmPasswordForm(FlaskForm):
    """Changes to two-factor sign-in ask for the password again (a session left open is not enough)."""

    password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")),
                                                                 Length(max=200)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Vui lòng nhập email.")),
                                                 Email(_l("Email không hợp lệ.")), Length(max=254)])
