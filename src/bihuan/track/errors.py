"""Problems a person can fix, said in Chinese and English."""

from __future__ import annotations


class TrackError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class Forbidden(TrackError):
    """The person may not see or change this (403)."""


class RowErrors(TrackError):
    """Several bad rows of one input; nothing of it was stored."""

    def __init__(self, problems: list[tuple[int, str, str]], what_zh: str, what_en: str) -> None:
        self.problems = problems
        super().__init__(
            f"{what_zh}有 {len(problems)} 行有误，未导入任何内容",
            f"{what_en}: {len(problems)} bad rows, nothing was imported",
        )
