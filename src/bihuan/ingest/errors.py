"""ReadError and the bilingual messages it carries: one short line in Chinese, one in English."""

from __future__ import annotations

SUPPORTED_FORMATS = ("txt", "md", "docx", "pdf", "html")


class ReadError(Exception):
    """A report file could not be turned into text; ``str(e)`` is ``"{zh} / {en}"``."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(f"{zh} / {en}")

    def __reduce__(self) -> tuple[type[ReadError], tuple[str, str]]:
        return (type(self), (self.zh, self.en))


def _mb(limit: int) -> str:
    """The size limit in MB ("20 MB"); tiny limits (tests, tools) in bytes."""
    if limit < 1024 * 1024 // 100:
        return f"{limit} B"
    return f"{round(limit / (1024 * 1024), 2):g} MB"


def not_found(name: str) -> ReadError:
    return ReadError(f"找不到文件：{name}", f"File not found: {name}")


def is_directory(name: str) -> ReadError:
    return ReadError(f"这是一个文件夹，不是文件：{name}", f"This is a directory, not a file: {name}")


def no_permission(name: str) -> ReadError:
    return ReadError(f"没有权限读取文件：{name}", f"Permission denied reading: {name}")


def unreadable(name: str, reason: str) -> ReadError:
    return ReadError(f"无法读取文件：{name}（{reason}）", f"Cannot read file: {name} ({reason})")


def empty(name: str) -> ReadError:
    return ReadError(f"文件是空的，没有文字：{name}", f"The file is empty (no text): {name}")


def too_large(name: str, limit: int) -> ReadError:
    return ReadError(
        f"文件超过大小上限 {_mb(limit)}：{name}", f"File is larger than the {_mb(limit)} limit: {name}"
    )


def binary(name: str) -> ReadError:
    return ReadError(
        f"文件内容是二进制数据，不是文本：{name}", f"The file holds binary data, not text: {name}"
    )


def garbled(name: str) -> ReadError:
    return ReadError(
        f"无法识别文件的文字编码（解码后多为乱码）：{name}",
        f"Cannot detect the text encoding (decodes to mostly garbage): {name}",
    )


def unsupported(name: str, kind: str) -> ReadError:
    formats = ", ".join(SUPPORTED_FORMATS)
    hint_zh = "；旧版 .doc 请另存为 .docx" if kind in {"doc", "wps"} else ""
    hint_en = "; save old .doc files as .docx" if kind in {"doc", "wps"} else ""
    return ReadError(
        f"不支持的文件格式（{kind}）：{name}；支持 {formats}{hint_zh}",
        f"Unsupported file format ({kind}): {name}; supported: {formats}{hint_en}",
    )


def corrupt(name: str, kind: str) -> ReadError:
    return ReadError(
        f"{kind.upper()} 文件已损坏或格式不对：{name}",
        f"The {kind.upper()} file is corrupt or not a {kind}: {name}",
    )


def encrypted(name: str) -> ReadError:
    return ReadError(
        f"文件已加密，请先解除密码：{name}", f"The PDF is encrypted; remove the password first: {name}"
    )


def no_text_layer(name: str) -> ReadError:
    return ReadError(
        f"PDF 没有文字层（可能是扫描件，本工具不做 OCR）：{name}",
        f"The PDF has no text layer (probably scanned; no OCR is done): {name}",
    )


def unmapped_pdf(name: str) -> ReadError:
    return ReadError(
        f"PDF 的文字层无法转换成文字（字体缺少编码表）：{name}",
        f"The PDF text layer cannot be mapped to characters (fonts lack a Unicode map): {name}",
    )


def archive_too_large(name: str, zh: str, en: str) -> ReadError:
    return ReadError(f"{zh}：{name}", f"{en}: {name}")


def too_many_paragraphs(name: str, limit: int) -> ReadError:
    return ReadError(
        f"文档段落过多（超过 {limit} 段），不像一份工作报告：{name}",
        f"The document has more than {limit} paragraphs, too many for a work report: {name}",
    )
