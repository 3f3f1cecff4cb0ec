"""Rendering Jinja templates inside limits, whoever wrote them.

Every template (shipped, or an organisation's own from `--templates DIR`) renders in
Jinja's sandbox (no Python internals) with limits a template cannot talk its way past:
numbers, repetitions and ranges are bounded, as are the size of any one value and of
the whole output, how deeply macros call macros, how many times loops go round, and the
time a render takes. A template file is read only if it resolves, after following
symbolic links, inside its templates folder. Every failure becomes one line naming the
template and its line: `TEMPLATE:LINE: what went wrong`.
"""

from __future__ import annotations

import functools
import math
import os
import re
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.runtime import Context, Macro
from jinja2.sandbox import SandboxedEnvironment

from refocus_cli.core.errors import InvalidInput
from refocus_cli.render.limits import memory_limit, time_limit
from refocus_cli.render.template_cache import compiled_templates

# The limits (refocus defaults, documented in templates/README.md). The largest shipped
# output, a pack for a whole team, is well under a megabyte of Typst source.
MAX_ITEMS = 100_000  # a range, a repeated list, any number given to a call or filter
MAX_TEXT = 20_000_000  # characters in any one value, and in the whole output
MAX_INT_BITS = 100_000  # an integer's size (about 30,000 digits)
MAX_LOOPS = 1_000_000  # times round all loops of one render (the national report: 14,000)
MAX_DEPTH = 50  # macros calling macros
MAX_TEMPLATE_BYTES = 1_000_000  # one template file
SECONDS = 20.0  # wall-clock time for one render
# Typst packages come from the network (@preview) or the user's data folder (@local).
PACKAGE_IMPORT = re.compile(r"""["']@[A-Za-z][\w-]*/""")


class TemplateProblem(InvalidInput):
    """A template (shipped or custom) that cannot be rendered, named with its line."""


class _Refused(Exception):
    """A template went past a limit; raised inside the render, named with its line later."""


class ConfinedLoader(jinja2.FileSystemLoader):
    """Templates from folders in order, each file read only if its real path (after
    symbolic links) lies inside the folder it was found in."""

    def __init__(self, folders: Sequence[Path], custom: Path | None = None) -> None:
        self.folders = [Path(os.path.realpath(folder)) for folder in folders]
        self.custom = Path(os.path.realpath(custom)) if custom is not None else None
        super().__init__([str(folder) for folder in self.folders])
        self.names: dict[str, str] = {}  # file name → the template name, for messages

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            real = Path(os.path.realpath(path))
            if not real.is_relative_to(folder):
                raise _Refused(f"template {template} leads outside its templates folder")
            if not real.is_file():
                raise _Refused(f"template {template} is not a file")
            source = _read(real, template)
            if folder == self.custom:
                _refuse_packages(source, template)
            self.names[str(real)] = template
            return source, str(real), functools.partial(_unchanged, real, real.stat().st_mtime)
        raise jinja2.TemplateNotFound(template)


def _unchanged(path: Path, mtime: float) -> bool:
    return path.stat().st_mtime == mtime


def _read(path: Path, template: str) -> str:
    with path.open("rb") as handle:
        data = handle.read(MAX_TEMPLATE_BYTES + 1)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise _Refused(f"template {template} is over {MAX_TEMPLATE_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(f"template {template} is not UTF-8 text") from None


def _refuse_packages(source: str, template: str) -> None:
    found = PACKAGE_IMPORT.search(source)
    if found:
        line = source.count("\n", 0, found.start()) + 1
        raise TemplateProblem(
            f"{template}:{line}: your own templates cannot use Typst packages "
            f"({found.group(0)[1:]}…): put what you need in the template itself"
        )


class _Budget:
    """What one render has used so far."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.loops = 0
        self.depth = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Refused(f"the template took longer than {self.seconds:g} seconds")


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple | dict) else None


def _check_value(value: Any) -> Any:
    size = _size(value)
    if size is not None:
        _check_value_size(size, isinstance(value, str))
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > MAX_INT_BITS:
            raise _Refused("a number is too large for a template")
    return value


def _check_number(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ITEMS:
        raise _Refused(f"the number {value:,} is over the limit of {MAX_ITEMS:,} for a template")


def _check_format(text: str) -> None:
    """Refuse a format string whose field widths or precisions could fill memory."""
    specs = re.findall(r"\{[^{}]*\}", text) + re.findall(r"%[^a-zA-Z%]*", text)
    for spec in specs:
        if "*" in spec or spec.count("{") > 1:
            raise _Refused("a format with computed widths is not allowed in a template")
        for number in re.findall(r"\d+", spec):
            _check_number(int(number) if len(number) < 9 else MAX_ITEMS + 1)


def _repeat_size(left: Any, right: Any) -> int | None:
    for sequence, count in ((left, right), (right, left)):
        if isinstance(count, int) and (size := _size(sequence)) is not None:
            return size * max(count, 0)
    return None


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "**":
        _check_power(left, right)
    elif operator == "*":
        _check_product(left, right)
    elif operator == "+" and _size(left) is not None and _size(right) is not None:
        _check_value_size(len(left) + len(right), isinstance(left, str))
    elif operator == "%" and isinstance(left, str):
        _check_format(left)


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        if exponent * math.log2(abs(base)) > MAX_INT_BITS:
            raise _Refused(f"{base} ** {exponent} is too large a number for a template")


def _check_product(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _Refused("a product too large for a template")
    elif (size := _repeat_size(left, right)) is not None:
        limit = MAX_TEXT if isinstance(left, str) or isinstance(right, str) else MAX_ITEMS
        if size > limit:
            raise _Refused(f"repeating makes {size:,} items, over the limit of {limit:,}")


def _check_value_size(size: int, text: bool) -> None:
    limit, unit = (MAX_TEXT, "characters") if text else (MAX_ITEMS, "items")
    if size > limit:
        raise _Refused(f"a value of {size:,} {unit} is over the limit of {limit:,}")


def _guarded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses huge numbers as arguments (the value it filters may be any
    size; for `format`, only the field widths are limited) and a result over the limits."""
    passes = getattr(function, "jinja_pass_arg", None) is not None

    def guarded(*args: Any, **kwargs: Any) -> Any:
        value_at = 1 if passes else 0
        if function is _format:  # numbers are data to format: the widths are checked
            if len(args) > value_at and isinstance(args[value_at], str):
                _check_format(args[value_at])
        else:
            for argument in (*args[value_at + 1 :], *kwargs.values()):
                _check_number(argument)
        return _check_value(function(*args, **kwargs))

    guarded.__dict__.update(getattr(function, "__dict__", {}))  # keeps pass_context marks
    guarded.__name__ = getattr(function, "__name__", "filter")
    return guarded


_format = jinja2.filters.do_format


@jinja2.pass_context
def _each(context: Context, items: Iterable[Any]) -> Iterator[Any]:
    """What a loop goes round, counted against the render's budget."""
    budget: _Budget = context.environment.budget  # type: ignore[attr-defined]
    for item in items:
        budget.loops += 1
        if budget.loops > MAX_LOOPS:
            raise _Refused(f"the template's loops went round over {MAX_LOOPS:,} times")
        if budget.loops % 1000 == 0:
            budget.tick()
        yield item


@jinja2.pass_context
def _text(context: Context, value: Any) -> Any:
    """A joined string (`a ~ b`), refused over the limit."""
    return _check_value(value)


def _guard_tree(node: nodes.Node) -> None:
    """Route every loop through `_each` and every `~` through `_text`."""
    for field in node.fields:
        value = getattr(node, field, None)
        if isinstance(value, nodes.Node):
            _guard_tree(value)
            setattr(node, field, _guard_concat(value))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, nodes.Node):
                    _guard_tree(item)
            setattr(node, field, [_guard_concat(item) for item in value])
    if isinstance(node, nodes.For):
        node.iter = nodes.Filter(node.iter, "_each", [], [], None, None, lineno=node.lineno)


def _guard_concat(node: Any) -> Any:
    if isinstance(node, nodes.Concat):
        return nodes.Filter(node, "_text", [], [], None, None, lineno=node.lineno)
    return node


def _is_str_format(function: Any) -> bool:
    """Whether this is a str.format the sandbox wrapped (see `wrap_str_format`)."""
    wrapped = getattr(function, "__wrapped__", None)
    return isinstance(getattr(wrapped, "__self__", None), str) and getattr(
        wrapped, "__name__", ""
    ) in ("format", "format_map")


class LimitedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with the limits above; undefined variables are errors."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, loader: ConfinedLoader, **options: Any) -> None:
        super().__init__(loader=loader, undefined=jinja2.StrictUndefined, **options)
        self.budget = _Budget(SECONDS)
        self.filters = {name: _guarded_filter(f) for name, f in self.filters.items()}
        self.filters["_each"] = _each
        self.filters["_text"] = _text

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        _guard_tree(tree)
        return tree

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.budget.tick()
        _check_binop(operator, left, right)
        return _check_value(super().call_binop(context, operator, left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self.budget.tick()
        if not _is_str_format(__obj):  # numbers to format are data: widths are checked
            for argument in (*args, *kwargs.values()):
                _check_number(argument)
        if not isinstance(__obj, Macro):
            return _check_value(super().call(__context, __obj, *args, **kwargs))
        __self.budget.depth += 1
        try:
            if __self.budget.depth > MAX_DEPTH:
                raise _Refused(f"macros call macros over {MAX_DEPTH} deep")
            return _check_value(super().call(__context, __obj, *args, **kwargs))
        finally:
            __self.budget.depth -= 1

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped


def environment(
    folders: Sequence[Path], custom: Path | None = None, **options: Any
) -> LimitedEnvironment:
    """Templates from `folders` in order; `custom`'s (an organisation's) have no packages."""
    cache = compiled_templates(LimitedEnvironment, options)
    return LimitedEnvironment(ConfinedLoader(folders, custom), bytecode_cache=cache, **options)


# The alarm is the backstop for work that never reaches a budget tick (one long call);
# it rings this much after the deadline, so a tick, which names the line, stops it first.
ALARM_GRACE = 0.5


def render(env: LimitedEnvironment, name: str, **context: Any) -> str:
    """Render a template within the limits; any failure is a `TemplateProblem` naming
    the template and line."""
    env.budget = _Budget(SECONDS)
    pieces: list[str] = []
    try:
        with time_limit(SECONDS, _Refused, grace=ALARM_GRACE), memory_limit():
            # Template.generate is a generator, so a refusal can be thrown into it.
            stream = cast(Generator[str, None, None], env.get_template(name).generate(**context))
            pieces = _collect(env, stream)
    except TemplateProblem:
        raise
    except jinja2.TemplateSyntaxError as exc:
        where = _name(env, exc.filename) or exc.name or name
        raise TemplateProblem(f"{where}:{exc.lineno}: {exc.message}") from None
    except Exception as exc:  # a recursion or memory error too: each is named
        raise TemplateProblem(f"{_where(env, exc, name)}: {_describe(exc)}") from None
    return "".join(pieces)


def _collect(env: LimitedEnvironment, stream: Generator[str, None, None]) -> list[str]:
    """The pieces a template yields, up to the output limit. A refusal that arrives
    between two pieces (the deadline's alarm) is thrown back in where the template
    stands, so that its line is named."""
    pieces: list[str] = []
    size = 0
    try:
        for piece in stream:
            size += len(piece)
            if size > MAX_TEXT:
                # Thrown in at the template line that went over, so it is named.
                stream.throw(_Refused(f"the output is over {MAX_TEXT:,} characters"))
            pieces.append(piece)
    except _Refused as exc:
        if not _in_template(env, exc):
            stream.throw(exc)
        raise
    return pieces


def _in_template(env: LimitedEnvironment, exc: BaseException) -> bool:
    trace = exc.__traceback__
    while trace is not None:
        if _name(env, trace.tb_frame.f_code.co_filename) is not None:
            return True
        trace = trace.tb_next
    return False


def _name(env: LimitedEnvironment, filename: str | None) -> str | None:
    loader = env.loader
    if filename is None or not isinstance(loader, ConfinedLoader):
        return None
    return loader.names.get(filename)


def _where(env: LimitedEnvironment, exc: BaseException, name: str) -> str:
    """The template and line the failure happened at (the innermost template frame)."""
    found = name
    trace = exc.__traceback__
    while trace is not None:
        template = _name(env, trace.tb_frame.f_code.co_filename)
        if template is not None:
            found = f"{template}:{trace.tb_lineno}"
        trace = trace.tb_next
    return found


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "macros or includes call themselves too deeply"
    if isinstance(exc, MemoryError):
        return "the template needs more memory than a template may use"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"no template {exc.name}"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"not allowed in a template: {exc}"
    if isinstance(exc, jinja2.UndefinedError):
        return exc.message or "undefined"
    return str(exc) or type(exc).__name__
