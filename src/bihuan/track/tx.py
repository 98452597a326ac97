"""One transaction per public write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, SessionTransaction

from bihuan.ledger.db import WRITE_OPTION


@contextmanager
def transaction(session: Session) -> Iterator[SessionTransaction]:
    """Begin the write's transaction, first ending a read-only one that an earlier query opened
    (the track layer is the only one that writes, so there is nothing pending to commit)."""
    if session.in_transaction():
        session.commit()
    with session.begin() as tx:
        session.connection(execution_options={WRITE_OPTION: True})  # SQLite: BEGIN IMMEDIATE
        yield tx
