"""The unit directory: parsing it (YAML, or rows from a workbook) and storing it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Unit, UnitProfile
from bihuan.track.contacts import FIELDS as CONTACT_FIELDS
from bihuan.track.contacts import check_fields, store_contacts
from bihuan.track.errors import RowErrors, TrackError
from bihuan.track.tx import transaction


@dataclass(frozen=True, slots=True)
class UnitEntry:
    name: str
    short: str | None = None
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # the contact fields the file gives for this unit (email, dingtalk_webhook, dingtalk_secret,
    # wecom_webhook), checked; a field the file does not have is kept as it is, a blank one clears
    contact: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class DirectoryUnit:
    """A unit as the domain sees it: its id and its newest profile."""

    id: int
    name: str
    short: str | None = None
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        """Its name, short name and aliases; a name with a part in brackets (县委宣传部（文明办）)
        is also known by either part, the way a table writes it."""
        out = [n for n in (self.name, self.short, *self.aliases) if n]
        for part in _BRACKETED.findall(self.name):
            out.extend(p for p in part if p and p not in out)
        return tuple(out)


_BRACKETED = re.compile(r"^(.+?)[（(](.+?)[）)]$")


@dataclass(frozen=True, slots=True)
class LoadResult:
    added: int
    changed: int
    unchanged: int
    contacts: int = 0  # units whose contacts changed


def default_directory_text() -> str:
    return resources.files("bihuan.track").joinpath("data/units.yaml").read_text("utf-8")


def parse_yaml(text: str) -> list[UnitEntry]:
    """A directory file: {units: [{name, short, aliases, keywords, email, dingtalk_webhook,
    dingtalk_secret, wecom_webhook}, …]} or a bare list."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise TrackError(
            f"单位名录不是有效的 YAML {where}".strip(), f"unit directory is not valid YAML: {e}"
        ) from e
    items = data.get("units") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise TrackError("单位名录应包含 units: 列表", "the unit directory needs a `units:` list")
    rows: list[dict[str, Any]] = []
    for item in items:
        rows.append(item if isinstance(item, dict) else {"name": item})
    return entries_from_rows(rows, start_row=1)


def entries_from_rows(rows: Sequence[dict[str, Any]], start_row: int = 2) -> list[UnitEntry]:
    """Validate directory rows (from YAML or a workbook); any bad row rejects the whole file."""
    problems: list[tuple[int, str, str]] = []
    out: list[UnitEntry] = []
    seen: set[str] = set()
    for k, row in enumerate(rows, start=start_row):
        n = int(row.get("_row") or k)  # a workbook's own row number, where it gives one
        name = str(row.get("name") or "").strip()
        if not name:
            problems.append((n, "缺少单位名称", "missing unit name"))
            continue
        if name in seen:
            problems.append((n, f"单位“{name}”重复", f"unit {name!r} is listed twice"))
            continue
        seen.add(name)
        try:
            contact = check_fields({f: row[f] for f in CONTACT_FIELDS if f in row})
        except TrackError as e:
            problems.append((n, f"单位“{name}”：{e.zh}", f"unit {name!r}: {e.en}"))
            continue
        short = str(row.get("short") or "").strip() or None
        out.append(
            UnitEntry(
                name, short, _words(row.get("aliases")), _words(row.get("keywords")), tuple(contact.items())
            )
        )
    if problems:
        raise RowErrors(problems, "单位名录", "unit directory")
    if not out:
        raise TrackError("单位名录是空的", "the unit directory is empty")
    return out


def _words(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts: Iterable[Any] = value.replace("，", ",").replace("、", ",").replace("；", ",").split(",")
    elif isinstance(value, list | tuple):
        parts = value
    else:
        parts = [value]
    return tuple(dict.fromkeys(str(p).strip() for p in parts if str(p).strip()))


def load_directory(session: Session, entries: Sequence[UnitEntry], user: str) -> LoadResult:
    """Add new units, a new profile for each changed unit and a new contact row for each unit
    whose contacts change, in one transaction. Units missing from the file are kept (assignments
    refer to them), and so are contacts the file does not give."""
    added = changed = unchanged = 0
    contacts: dict[int, dict[str, str | None]] = {}
    with transaction(session):
        existing = {u.name: u for u in session.scalars(select(Unit)).all()}
        profiles = queries.unit_profiles(session)
        for e in entries:
            unit = existing.get(e.name)
            same = False
            if unit is None:
                unit = Unit(name=e.name, created_by=user)
                session.add(unit)
                session.flush()
                added += 1
            else:
                p = profiles.get(unit.id)
                same = p is not None and (p.short_name, tuple(p.aliases), tuple(p.keywords)) == (
                    e.short,
                    e.aliases,
                    e.keywords,
                )
                unchanged += same
                changed += not same
            if e.contact:
                contacts[unit.id] = dict(e.contact)
            if same:
                continue
            session.add(
                UnitProfile(
                    unit_id=unit.id,
                    short_name=e.short,
                    aliases=list(e.aliases),
                    keywords=list(e.keywords),
                    created_by=user,
                )
            )
        moved = store_contacts(session, contacts, user)
    return LoadResult(added, changed, unchanged, moved)


def directory(session: Session) -> list[DirectoryUnit]:
    profiles = queries.unit_profiles(session)
    out = []
    for u in queries.units(session):
        p = profiles.get(u.id)
        out.append(
            DirectoryUnit(
                u.id,
                u.name,
                p.short_name if p else None,
                tuple(p.aliases) if p else (),
                tuple(p.keywords) if p else (),
            )
        )
    return out


def ensure_directory(session: Session, user: str) -> list[DirectoryUnit]:
    """The directory, loading the default one first if none was ever loaded."""
    units = directory(session)
    if not units:
        load_directory(session, parse_yaml(default_directory_text()), user)
        units = directory(session)
    return units


def find_unit(units: Sequence[DirectoryUnit], text: str) -> DirectoryUnit:
    """A unit by its name, short name or alias."""
    wanted = text.strip()
    for u in units:
        if wanted in u.names:
            return u
    raise TrackError(f"单位名录中没有“{wanted}”", f"no unit named {wanted!r} in the directory")
