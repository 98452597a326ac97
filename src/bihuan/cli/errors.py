"""Bad input ends in ONE line on stderr, "错误：<zh> / Error: <en>", and exit status 2.

BihuanGroup is the command group of the `bihuan` app: it runs click in non-standalone mode
and turns CliError and click's usage errors into that line instead of a traceback or a box.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click
from typer.core import TyperGroup

EXIT_BAD_INPUT = 2
_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click >= 8.2


class CliError(Exception):
    """A problem with what the user asked for, said in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def error_line(zh: str, en: str) -> str:
    """The one line a person sees; newlines inside a message are folded into spaces."""
    return " ".join(f"错误：{zh} / Error: {en}".split())


def fail(zh: str, en: str, status: int = EXIT_BAD_INPUT) -> NoReturn:
    click.echo(error_line(zh, en), err=True)
    sys.exit(status)


def usage_zh(e: click.UsageError) -> str:
    """A Chinese reading of click's usage errors (the English is click's own message)."""
    param = getattr(e, "param", None)
    hint = param.get_error_hint(e.ctx) if param is not None and e.ctx is not None else ""
    if isinstance(e, click.NoSuchOption):
        return f"没有这个选项：{e.option_name}（见 --help）"
    if isinstance(e, click.MissingParameter):
        return f"缺少参数 {hint or getattr(e, 'param_hint', '')}（见 --help）"
    if isinstance(e, click.BadParameter):
        return f"参数 {hint or e.param_hint or ''} 的值无效（见 --help）"
    return "命令用法有误（见 bihuan --help）"


class BihuanGroup(TyperGroup):
    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        def call() -> Any:
            return super(BihuanGroup, self).main(
                args, prog_name, complete_var, False, windows_expand_args=windows_expand_args, **extra
            )

        if not standalone_mode:
            return call()
        try:
            status = call()
        except CliError as e:
            fail(e.zh, e.en)
        except _NO_ARGS_IS_HELP as e:
            click.echo(e.ctx.get_help())
            sys.exit(0)
        except click.UsageError as e:
            fail(usage_zh(e), e.format_message())
        except click.ClickException as e:
            fail("命令执行失败", e.format_message(), e.exit_code)
        except click.Abort:
            fail("已中止", "aborted", 1)
        sys.exit(status if isinstance(status, int) else 0)
