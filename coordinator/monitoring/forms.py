"""Forms of the review queue and the outlet's feeds (Flask-WTF; errors next to each field)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange


class FeedForm(FlaskForm):
    url = StringField(_l("Địa chỉ RSS/Atom"), validators=[DataRequired(_l("Vui lòng nhập địa chỉ nguồn tin.")),
                                                         Length(max=1000)])
    interval_minutes = IntegerField(_l("Chu kỳ tải (phút)"), default=15,
                                    validators=[NumberRange(5, 1440, _l("Chu kỳ phải từ 5 đến 1440 phút."))])
    paused = BooleanField(_l("Tạm dừng (chưa tải)"))


class SettingsForm(FlaskForm):
    window_days = IntegerField(_l("Số ngày sau buổi họp báo"),
                               validators=[NumberRange(1, 30, _l("Số ngày phải từ 1 đến 30."))])
    threshold = FloatField(_l("Ngưỡng đề xuất (0–1)"),
                           validators=[NumberRange(0.05, 0.99, _l("Ngưỡng phải từ 0,05 đến 0,99."))])
