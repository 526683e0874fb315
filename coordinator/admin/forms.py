from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, Length

ROLE_LABELS = (("admin", _l("Quản trị")), ("coordinator", _l("Điều phối")),
               ("spokesperson", _l("Người phát ngôn")), ("viewer", _l("Chỉ xem")))


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in ROLE_LABELS]


class NewUserForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Vui lòng nhập họ tên.")),
                                                          Length(max=255)])
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Vui lòng nhập email.")),
                                                 Email(_l("Email không hợp lệ."))])
    role = SelectField(_l("Vai trò"), choices=role_choices)


class RoleForm(FlaskForm):
    role = SelectField(_l("Vai trò"), choices=role_choices)


SCOPE_LABELS = (("read_only", _l("Chỉ đọc")), ("read_write", _l("Đọc và ghi")), ("admin", _l("Quản trị")))
TOKEN_DAYS = ((30, _l("30 ngày")), (90, _l("90 ngày")), (365, _l("1 năm")))


class NewTokenForm(FlaskForm):
    name = StringField(_l("Tên gợi nhớ"), validators=[DataRequired(_l("Vui lòng đặt tên cho mã.")),
                                                       Length(max=120)])
    scope = SelectField(_l("Phạm vi"), default="read_only", validate_choice=False,
                        description=_l("Chỉ đọc: chỉ lấy dữ liệu. Đọc và ghi: thêm, sửa, xoá. Quản trị: cả cán bộ và "
                                       "mạng lưới (chỉ quản trị viên). Vai trò của bạn vẫn giới hạn mọi thao tác."))
    days = SelectField(_l("Hết hạn sau"), coerce=int, default=90, validate_choice=False,
                       choices=[SelectChoice(value, label) for value, label in TOKEN_DAYS])
