"""Forms of the network pages (Flask-WTF; errors next to each field)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, widgets
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
    office_ids = CheckboxesField(_l("Chia sẻ với"), coerce=int, validate_choice=False,
                                 description=_l("Không chọn văn phòng nào: chia sẻ với cả mạng lưới."))
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=1000)])
