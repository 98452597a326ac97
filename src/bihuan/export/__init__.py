"""Ways out of a Plan for people: headline views, Excel workbooks.

Nothing here imports the command line; the Excel writer (openpyxl) is imported only from
bihuan.export.xlsx, so importing this package stays cheap.
"""

from __future__ import annotations


class ExportError(Exception):
    """A plan could not be written out. `zh` and `en` say why; str(e) is "zh / en"."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


__all__ = ["ExportError"]
