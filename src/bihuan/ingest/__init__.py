"""Report files (txt, md, docx, pdf, html) in, decoded text out — the I/O edge before extraction.

>>> from bihuan.ingest import read_bytes
>>> read_bytes("示例县\\r\\n".encode("gb18030"), "r.txt").text
'示例县\\n'
"""

from bihuan.ingest.errors import ReadError
from bihuan.ingest.reader import read_bytes, read_path
from bihuan.ingest.source import DEFAULT_MAX_BYTES, Source

__all__ = ["DEFAULT_MAX_BYTES", "ReadError", "Source", "read_bytes", "read_path"]
