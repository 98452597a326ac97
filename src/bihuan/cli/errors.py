"""Bad input ends in ONE line on stderr, "错误：<zh> / Error: <en>", and exit status 2; a
usage error (a missing argument, an unknown option) has the usage line above it.

BihuanGroup is the command group of the `bihuan` app: it runs click in non-standalone mode
and turns CliError and click's usage errors into that line instead of a traceback or a box.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, get_args, get_origin

import typer
from typer.core import TyperCommand, TyperGroup

try:  # newer Typer carries its own copy of click: its errors are those classes
    from typer._click import exceptions as click_errors
except ImportError:  # older Typer runs on click itself
    from click import exceptions as click_errors  # type: ignore[no-redef]

EXIT_BAD_INPUT = 2
DEBUG_ENV = "BIHUAN_DEBUG"  # set to 1 to let an unexpected error raise with its traceback


class CliError(Exception):
    """A problem with what the user asked for, said in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def unexpected(e: Exception) -> CliError:
    """An error nobody planned for, as the one line. Under BIHUAN_DEBUG it raises with its
    traceback; a reader that stopped early (| head) is no error of ours, so that raises too."""
    if isinstance(e, BrokenPipeError) or os.environ.get(DEBUG_ENV):
        raise e
    return CliError(
        f"内部错误，请把此行报告给开发者（{type(e).__name__}）",
        f"unexpected {type(e).__name__}: {e} (set {DEBUG_ENV}=1 for a traceback)",
    )


def error_line(zh: str, en: str) -> str:
    """The one line a person sees; newlines inside a message are folded into spaces."""
    return " ".join(f"错误：{zh} / Error: {en}".split())


def fail(zh: str, en: str, status: int = EXIT_BAD_INPUT) -> NoReturn:
    typer.echo(error_line(zh, en), err=True)
    sys.exit(status)


def usage_line(ctx: Any) -> str:
    """用法：bihuan extract [OPTIONS] FILE — printed above a usage error's one line."""
    return "用法 / Usage: " + " ".join([ctx.command_path, *ctx.command.collect_usage_pieces(ctx)])


def usage_zh(e: click_errors.UsageError) -> str:
    """A Chinese reading of click's usage errors (the English is click's own message)."""
    if isinstance(e, click_errors.NoSuchOption):
        return f"没有这个选项：{e.option_name}（见 --help）"
    if isinstance(e, click_errors.MissingParameter):
        return f"缺少参数 {_param_label(e)}（见 --help）"
    if isinstance(e, click_errors.BadParameter):
        return f"参数 {_param_label(e)} 的值无效（见 --help）"
    ctx = e.ctx
    if ctx is not None and hasattr(ctx.command, "list_commands") and e.message == "Missing command.":
        # a group without its command: bare `bihuan`, `bihuan plan`
        names = "、".join(ctx.command.list_commands(ctx))
        return f"缺少命令，可用：{names}（见 {ctx.command_path} --help）"
    return "命令用法有误（见 bihuan --help）"


def _param_label(e: click_errors.BadParameter) -> str:
    """--max-mb for an option, FILE for an argument."""
    param = e.param
    if param is None:
        return str(e.param_hint or "")
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("-")]
    return " / ".join(opts) or str(getattr(param, "metavar", None) or (param.name or "").upper())


class ChineseHelpOption:
    """Mixin: the --help option's own line in Chinese too."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class _PlainCoercion:
    """Converts a str, int, float, bool or Path parameter (or a list of them) as Typer would, without
    pydantic: Typer 0.2x builds a pydantic TypeAdapter for every parameter of the command that
    runs, and importing pydantic and building the adapters is about a third of a second of
    `bihuan extract`'s start-up. Used through Typer's own hook (`get_runtime_param`)."""

    def __init__(self, kind: type, multi: bool) -> None:
        self.kind = kind
        self.multi = multi

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return () if self.multi else None
        if self.multi:
            return [self._one(v, param, ctx) for v in value]
        return self._one(value, param, ctx)

    def _one(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, self.kind) and (self.kind is bool or not isinstance(value, bool)):
            return value
        try:
            if self.kind is bool:  # a flag gives a bool; anything else is no bool
                raise ValueError(value)
            return self.kind(value)
        except (TypeError, ValueError) as e:
            raise click_errors.BadParameter(
                f"{value!r} is not a valid {self.kind.__name__}.", ctx=ctx, param=param
            ) from e


_PLAIN_KINDS = (str, int, float, bool, Path)


def plain_coercion(params: Sequence[Any]) -> None:
    """Give the plain parameters of a command the coercion above. A parameter Typer describes
    otherwise (or a Typer without this hook) keeps Typer's own coercion."""
    for p in params:
        descriptor = getattr(p, "type_descriptor", None)
        if descriptor is None or getattr(p, "_runtime_param", False) is not None:
            continue
        kind = descriptor.annotation
        multi = bool(p.multiple or p.nargs == -1)
        if multi and get_origin(kind) is list and len(get_args(kind)) == 1:
            kind = get_args(kind)[0]
        if kind in _PLAIN_KINDS and (multi or p.nargs == 1):
            p._runtime_param = _PlainCoercion(kind, multi)


class BihuanCommand(ChineseHelpOption, TyperCommand):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        plain_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)  # type: ignore[no-any-return]


class BihuanGroup(ChineseHelpOption, TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        plain_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)  # type: ignore[no-any-return]

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
        except click_errors.UsageError as e:
            if e.ctx is not None:
                typer.echo(usage_line(e.ctx), err=True)
            fail(usage_zh(e), e.format_message())
        except click_errors.ClickException as e:
            fail("命令执行失败", e.format_message(), e.exit_code)
        except typer.Abort:
            fail("已中止", "aborted", 1)
        sys.exit(status if isinstance(status, int) else 0)


class BihuanSubGroup(ChineseHelpOption, TyperGroup):
    """A command group under `bihuan` (plan, units …); errors are handled by the top group."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        plain_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)  # type: ignore[no-any-return]
