"""Report exports: CSV (UTF-8 with a BOM, for Excel), XLSX (one sheet per table) and PDF (fpdf2 with the
vendored DejaVu Sans, which has every Vietnamese glyph). Text cells that a spreadsheet would run as a
formula are neutralised, as in the contacts exporter."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from coordinator.contacts.exporter import XLSX_MIMETYPE, neutralise

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
CSV_MIMETYPE = "text/csv; charset=utf-8"
PDF_MIMETYPE = "application/pdf"
MIMETYPES = {"csv": CSV_MIMETYPE, "xlsx": XLSX_MIMETYPE, "pdf": PDF_MIMETYPE}


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)
    # Relative column widths for the PDF (defaults to equal).
    widths: list[int] | None = None


def _cell(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    return neutralise(value) if isinstance(value, str) else value


def to_csv(tables: list[Table]) -> bytes:
    """One CSV; several tables follow one another, each under its title line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([neutralise(table.title)])
        writer.writerow([neutralise(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in '[]:*?/\\')[:31] or "Sheet"
    base, n = name, 2
    while name in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def to_xlsx(tables: list[Table]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, taken))
        sheet.append([neutralise(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        for index, header in enumerate(table.headers, start=1):
            longest = max([len(str(header))] + [len(str(r[index - 1])) for r in table.rows[:200]])
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(60, max(8, longest + 2))
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(title: str, subtitle: str, tables: list[Table], charts: list[bytes] | None = None) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator("Press-briefing coordinator")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for svg in charts or []:
        try:
            pdf.image(io.BytesIO(svg), w=190)
            pdf.ln(2)
        except Exception:  # an SVG feature fpdf2 cannot draw: the tables carry the numbers anyway
            continue
    heading = FontFace(emphasis="BOLD", fill_color=(226, 232, 240))
    for table in tables:
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 8, table.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8.5)
        if not table.rows:
            pdf.multi_cell(0, 6, "—", new_x="LMARGIN", new_y="NEXT")
            continue
        widths = table.widths or [3 if i == 0 else 1 for i in range(len(table.headers))]
        with pdf.table(col_widths=widths, headings_style=heading, line_height=5, first_row_as_headings=True,
                       text_align=["LEFT"] + ["RIGHT"] * (len(table.headers) - 1)) as grid:
            header = grid.row()
            for text in table.headers:
                header.cell(str(text))
            for values in table.rows:
                row = grid.row()
                for value in values:
                    row.cell(_pdf_text(value))
        pdf.ln(4)
    return bytes(pdf.output())


def _pdf_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
