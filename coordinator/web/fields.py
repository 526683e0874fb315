"""Form fields for days and times that read the same in every browser.

``<input type="date">`` and ``type="time"`` are drawn in the browser's own language: an English
Chrome shows 12/08/2026 for 8 December and "03:00 PM" for 15:00, and a journalist-facing office
cannot explain that to its staff. These fields are plain text in the office's way of writing
(``08/12/2026``, ``15:00``), parsed on the server (``coordinator.core.dates``) with a clear error in
the page's language; an ISO date (what the API takes) is accepted as well.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from coordinator.core.dates import format_day, parse_typed_day, parse_typed_time

DAY_HINT = "dd/mm/yyyy"


class _TypedField(Field):
    widget = TextInput()
    input_attrs: dict[str, Any] = {}
    message = _l("Giá trị không hợp lệ.")

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        render_kw = {"autocomplete": "off", "spellcheck": "false", **self.input_attrs,
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.show(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = self.parse(text)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(self.message)) from exc

    def pre_validate(self, form) -> None:
        """A value that could not be read says so, and no "required" message replaces it."""
        if self.process_errors:
            raise StopValidation()

    def show(self, value: Any) -> str:
        raise NotImplementedError

    def parse(self, text: str) -> Any:
        raise NotImplementedError


class DayField(_TypedField):
    """A day typed as ``08/12/2026`` (``data`` is a ``date``)."""

    input_attrs = {"placeholder": DAY_HINT, "inputmode": "numeric", "maxlength": "10"}
    message = _l("Ngày không hợp lệ: nhập ngày/tháng/năm, ví dụ 08/12/2026.")

    def show(self, value: date) -> str:
        return format_day(value)

    def parse(self, text: str) -> date:
        return parse_typed_day(text)


class ClockField(_TypedField):
    """A time typed on the 24-hour clock, ``15:00`` (``data`` is a ``time``)."""

    input_attrs = {"placeholder": "hh:mm", "inputmode": "numeric", "maxlength": "5"}
    message = _l("Giờ không hợp lệ: nhập giờ:phút theo 24 giờ, ví dụ 15:00.")

    def show(self, value: time) -> str:
        return f"{value.hour:02d}:{value.minute:02d}"

    def parse(self, text: str) -> time:
        return parse_typed_time(text)


class DayClockField(_TypedField):
    """A day and a time, ``08/12/2026 15:00`` (``data`` is a naive ``datetime`` in the office's zone)."""

    input_attrs = {"placeholder": "dd/mm/yyyy hh:mm", "maxlength": "16"}
    message = _l("Thời điểm không hợp lệ: nhập ngày/tháng/năm giờ:phút, ví dụ 08/12/2026 15:00.")

    def show(self, value: datetime) -> str:
        return f"{format_day(value.date())} {value.hour:02d}:{value.minute:02d}"

    def parse(self, text: str) -> datetime:
        if "T" in text:  # 2026-12-08T15:00, as a datetime-local control or an old bookmark sends it
            day_text, _sep, time_text = text.partition("T")
        else:
            day_text, _sep, time_text = text.rpartition(" ")
            if not day_text:
                raise ValueError("a day and a time are needed")
        return datetime.combine(parse_typed_day(day_text), parse_typed_time(time_text))
