"""Bytes → str for text-like files: BOMs, strict UTF-8, a declared charset, then a guess."""

from __future__ import annotations

import codecs
import re

from bihuan.ingest import errors

SAMPLE_BYTES = 64 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Python codec names (as codecs.lookup reports them) and web labels of the Chinese GB family;
# gb18030 is a superset of all of them.
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "ms936", "euc_cn", "euc-cn"})
_GB_LABELS = frozenset({"x-gbk", "x-gb18030", "gb_2312", "gb_2312-80", "csgb2312", "chinese", "iso-ir-58"})
_BIG5_FAMILY = frozenset({"big5", "big5hkscs", "cp950"})
# Declared charsets too often wrong on Chinese pages to trust (a page saved as GBK says latin-1).
_WEAK_DECLARED = frozenset({"iso8859-1", "cp1252", "ascii"})

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BAD = re.compile(r"[\ufffd\ud800-\udfff\ue000-\uf8ff\x80-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACE = re.compile(r"\s")


def normalise_newlines(text: str) -> str:
    """\\r\\n and lone \\r become \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def canonical_codec(label: str) -> str | None:
    """Python codec name for a charset label; GB-family labels map to gb18030; None if unknown."""
    label = label.strip().lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    return "gb18030" if name in _GB_FAMILY else name


def _common_share(text: str) -> float:
    """Share of CJK ideographs and Hangul syllables that are among GB2312 level-1 (the ~3,700
    most common) characters. Hangul counts against: Chinese text misread as a Korean codec turns
    into Hangul with a few common-looking ideographs among it."""
    hanzi = [ch for ch in text[:20000] if "\u4e00" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7a3"][:4000]
    if not hanzi:
        return 0.0
    common = 0
    for ch in hanzi:
        try:
            lead = ch.encode("gb2312")[0]
        except UnicodeEncodeError:
            continue
        common += 0xB0 <= lead <= 0xD7
    return common / len(hanzi)


def _sample(data: bytes) -> bytes:
    if len(data) <= SAMPLE_BYTES:
        return data
    sample = data[:SAMPLE_BYTES]
    cut = sample.rfind(b"\n")  # never inside a GB/Big5 multibyte character
    return sample[: cut + 1] if cut > SAMPLE_BYTES // 2 else sample


def guess_codec(data: bytes) -> str:
    """Guess the codec of non-UTF-8 bytes from a sample, preferring gb18030 for Chinese text."""
    sample = _sample(data)
    try:
        import charset_normalizer  # only for text that no BOM or strict codec explains

        best = charset_normalizer.from_bytes(sample).best()
    except Exception:  # the detector must never turn into a traceback for the user
        best = None
    if best is None:
        return "gb18030"
    guess = canonical_codec(best.encoding) or "gb18030"
    if guess == "gb18030":
        return guess
    try:
        as_gb = sample.decode("gb18030")
    except UnicodeDecodeError:
        return guess
    gb_share, guess_share = _common_share(as_gb), _common_share(str(best))
    if gb_share > guess_share or (gb_share and gb_share == guess_share and guess not in _BIG5_FAMILY):
        return "gb18030"
    return guess


def _decode(data: bytes, name: str, declared: str | None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    if b"\x00" in data:
        raise errors.binary(name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    stated = canonical_codec(declared) if declared else None
    if stated is not None and stated not in _WEAK_DECLARED:
        try:
            return data.decode(stated)
        except (UnicodeDecodeError, LookupError):
            pass
    codec = guess_codec(data)
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        pass
    try:
        return data.decode(codec, errors="replace")
    except LookupError:
        return data.decode("gb18030", errors="replace")


def check_text(text: str, name: str) -> str:
    """Reject binary-looking or garbled text; return it with any lone surrogates replaced."""
    if not text:
        return text
    if len(_CONTROL.findall(text)) > 0.05 * len(text):
        raise errors.binary(name)
    visible = len(text) - len(_SPACE.findall(text))
    if visible and len(_BAD.findall(text)) > 0.1 * visible:
        raise errors.garbled(name)
    return _SURROGATE.sub("\ufffd", text)


def decode_text(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode text bytes to str with \\n line endings (BOM stripped), or raise ReadError."""
    return check_text(normalise_newlines(_decode(data, name, declared)), name)
