"""Forms of the network pages (Flask-WTF; errors next to each field)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields import SelectChoice
from wtforms.validators import Length, Optional


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TrustForm(FlaskForm):
    office_id = SelectField(_l("Văn phòng được phép mời"), coerce=int, validate_choice=False)


class InvitePointForm(FlaskForm):
    office_id = SelectField(_l("Văn phòng làm điểm cầu"), coerce=int, validate_choice=False)
    note = TextAreaField(_l("Lời nhắn"), validators=[Optional(), Length(max=2000)])


class AcceptForm(FlaskForm):
    list_ids = CheckboxesField(_l("Danh sách phân phối"), coerce=int, validate_choice=False)
    outlet_ids = CheckboxesField(_l("Cơ quan báo chí"), coerce=int, validate_choice=False)
    venue = StringField(_l("Địa điểm của điểm cầu"), validators=[Optional(), Length(max=500)],
                        description=_l("Phòng họp trực tuyến của văn phòng bạn (để trống nếu chỉ dự trực tuyến)."))


class DeclineForm(FlaskForm):
    reason = StringField(_l("Lý do (không bắt buộc)"), validators=[Optional(), Length(max=500)])


class OfferForm(FlaskForm):
    journalist_ids = SelectMultipleField(_l("Nhà báo"), coerce=int, validate_choice=False,
                                         description=_l("Giữ Ctrl (hoặc ⌘) để chọn nhiều người."))
    outlet_ids = SelectMultipleField(_l("Cơ quan báo chí"), coerce=int, validate_choice=False)
    audience = RadioField(_l("Chia sẻ với"), default="trusted", validate_choice=False, choices=[
        SelectChoice("trusted", _l("Các văn phòng mà văn phòng bạn tin cậy")),
        SelectChoice("chosen", _l("Chỉ các văn phòng được chọn dưới đây")),
        SelectChoice("all", _l("Tất cả các văn phòng trong mạng lưới, kể cả văn phòng chưa được tin cậy"))])
    office_ids = CheckboxesField(_l("Các văn phòng được chọn"), coerce=int, validate_choice=False,
                                 description=_l("Chỉ dùng khi chọn “Chỉ các văn phòng được chọn”."))
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=1000)])
