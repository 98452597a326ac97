"""Encoding detection, and properties that hold for any input bytes."""

from __future__ import annotations

import codecs
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_builders import REPORT

from bihuan.ingest import ReadError, Source, read_bytes
from bihuan.ingest.decode import canonical_codec, guess_codec, normalise_newlines


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("GB18030", "gb18030"),
        ("euc-cn", "gb18030"),
        ("cp936", "gb18030"),
        ("utf8", "utf-8"),
        (" UTF-8 ", "utf-8"),
        ("big5", "big5"),
        ("no-such-charset", None),
    ],
)
def test_canonical_codec(label: str, codec: str | None) -> None:
    assert canonical_codec(label) == codec


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (REPORT, "gb18030"),
        ("各位代表", "gb18030"),
        ("示例县", "gb18030"),
        ("各位代表：現在，我代表縣人民政府向大會報告工作，請予審議。", "big5"),
    ],
)
def test_guess_codec(text: str, codec: str) -> None:
    source_codec = "big5" if codec == "big5" else "gbk"
    assert guess_codec(text.encode(source_codec)) == codec


def test_guess_uses_a_sample_cut_at_a_line_end() -> None:
    """A 64 KB cut can split a GB character; the sample ends at a newline instead."""
    data = (REPORT * 3000).encode("gb18030")
    assert len(data) > 64 * 1024
    assert guess_codec(data) == "gb18030"


def test_gb_text_with_a_bad_byte_is_still_read() -> None:
    data = REPORT.encode("gb18030") + b"\xff" + REPORT.encode("gb18030")
    text = read_bytes(data, "r.txt").text
    assert text.count("示例县2024年政府工作报告") == 2 and text.count("\ufffd") == 1


@pytest.mark.parametrize(
    ("raw", "expected"), [("a\r\nb", "a\nb"), ("a\rb", "a\nb"), ("a\r\r\nb", "a\n\nb"), ("a\n\rb", "a\n\nb")]
)
def test_normalise_newlines(raw: str, expected: str) -> None:
    assert normalise_newlines(raw) == expected


def _assert_source_or_read_error(data: bytes, name: str) -> None:
    try:
        source = read_bytes(data, name)
    except ReadError as error:
        assert str(error) == f"{error.zh} / {error.en}"
        return
    assert isinstance(source, Source) and isinstance(source.text, str)
    assert source.text.strip() and "\r" not in source.text
    source.text.encode("utf-8")  # no lone surrogates
    assert source.source_format in {"txt", "docx", "pdf", "html"}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_as_txt(data: bytes) -> None:
    _assert_source_or_read_error(data, "x.txt")


_PREFIXES = st.sampled_from(
    [
        b"",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
        b"%PDF-1.4\n",
        b"PK\x03\x04",
        b"<html>",
        b"\x89PNG",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PREFIXES, st.binary(max_size=1000), st.sampled_from(["x.txt", "x.html", "x.pdf", "x.docx", "-", "x"]))
def test_any_bytes_any_name(prefix: bytes, data: bytes, name: str) -> None:
    _assert_source_or_read_error(prefix + data, name)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
def test_text_round_trips(text: str, codec: str) -> None:
    """Any text that is not blank and has no control characters reads back as written."""
    text = "".join(ch for ch in text if ch.isprintable() or ch == "\n")
    if not text.strip() or (codec == "gb18030" and not text.isascii()):
        return  # a short non-UTF-8 snippet of arbitrary script can't be told apart reliably
    try:
        assert read_bytes(text.encode(codec), "x.txt").text == text
    except ReadError as error:
        pytest.fail(f"{text!r} in {codec}: {error}")


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=30, max_size=300))
def test_gb18030_hanzi_round_trip(text: str) -> None:
    assert read_bytes(("各位代表：" + text).encode("gb18030"), "x.txt").text == "各位代表：" + text


HANG_GUARD_S = 30.0  # not a speed bar: benchmarks/bench_extract.py prints read times per codec


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_one_megabyte_txt_reads_whole(codec: str) -> None:
    data = (REPORT * 20000).encode(codec)[: 1024 * 1024]
    data = data[: data.rfind(b"\n") + 1] if codec != "utf-16" else data[: len(data) // 2 * 2]
    assert len(data) > 1000 * 1000
    start = time.perf_counter()
    text = read_bytes(data, "big.txt").text
    elapsed = time.perf_counter() - start
    assert text == data.decode(codec, errors="ignore").removeprefix("\ufeff")
    assert elapsed < HANG_GUARD_S, f"reading 1 MB of {codec} took {elapsed:.1f} s (hang guard)"


def test_rare_hanzi_in_gb18030_are_not_read_as_korean() -> None:
    """Found by hypothesis: a run of rare ideographs after a common opening was detected as UHC
    (Korean) and read as Hangul."""
    text = "各位代表：一一" + "丁" * 13 + "丄" * 8 + "丶丼乤亡亭亳仫"
    assert read_bytes(text.encode("gb18030"), "x.txt").text == text
