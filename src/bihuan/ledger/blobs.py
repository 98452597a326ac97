"""The bytes of attachments, content-addressed under the data directory: a file is named by its
SHA-256 (`ab/cd/abcd…`), written to a temporary file and renamed into place, so a reader never
sees half a file and the same bytes are stored once, however often they are attached.

The data directory is BIHUAN_DATA_DIR; without it, `<ledger file>.files/` beside a SQLite
ledger, else `./bihuan-files`. What may be stored (types, sizes) is the domain's rule (track)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

DATA_ENV = "BIHUAN_DATA_DIR"
DEFAULT_DIR = "bihuan-files"


def data_dir(url: str | URL, environ: Mapping[str, str] | None = None) -> Path:
    """Where a ledger's files live (see the module's docstring)."""
    env = os.environ if environ is None else environ
    given = env.get(DATA_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        db = Path(parsed.database).expanduser()
        return db.with_name(db.name + ".files")
    return Path(DEFAULT_DIR)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class BlobStore:
    root: Path

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store the bytes; (their SHA-256, whether this call wrote the file)."""
        sha = digest(data)
        target = self.path(sha)
        if target.is_file():
            return sha, False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)  # atomic: the name appears with all its bytes or not at all
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha, True

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def remove(self, sha256: str) -> None:
        """Take back a file this process wrote whose row was not stored after all."""
        self.path(sha256).unlink(missing_ok=True)
