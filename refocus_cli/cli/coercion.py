"""Checking the values typed for options, without pydantic where none is needed.

Typer 0.29 checks each option's value through a pydantic TypeAdapter built for it.
Importing pydantic and building the first adapter took about 0.1 s of every command
that has an option other than a flag (0.09-0.12 s for `report outcomes`, measured in
its process). The options refocus has are nearly all flags, text, lists of text, paths
and choices. Their values come from the command line as text, and typer's own
helpers do the rest of the check (coerce_cli_path: the file tests; coerce_cli_choice:
the choice), so for those the runtime parameter is built here, without pydantic.
Anything else (numbers, a value of another type than expected) goes to typer's own.

tests/cli/test_light_coercion.py checks, for every option of every command, that both
give the same value or the same error, so a typer release that changes either shows.
This leans on typer's internals (typer.core.build_runtime_param and the helpers): where
they are not as written against, install() leaves typer as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

try:
    from typer import core
    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam, TypeDescriptor
    from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path
except ImportError:  # another typer: its own checks are used (install() does nothing)
    core = None  # type: ignore[assignment]

    @dataclass(frozen=True)
    class RuntimeParam:  # type: ignore[no-redef]
        parameter_info: Any
        annotation: Any


def install() -> None:
    """Build the runtime parameters that need no pydantic here (once; nothing when
    this typer's internals are not those this module was written against)."""
    original = getattr(core, "build_runtime_param", None)  # typer's, imported into core
    if original is None or getattr(original, "light", False):
        return

    def build_runtime_param(descriptor: TypeDescriptor) -> RuntimeParam:
        return light_param(descriptor) or original(descriptor)

    build_runtime_param.light = True  # type: ignore[attr-defined]
    core.build_runtime_param = build_runtime_param  # type: ignore[attr-defined]


def light_param(descriptor: TypeDescriptor) -> RuntimeParam | None:
    """The runtime parameter for `descriptor` that needs no pydantic, or None."""
    info, annotation = descriptor.parameter_info, descriptor.annotation
    origin: Any = get_origin(annotation)
    if descriptor.file_annotation is not None or info.parser is not None:
        return None
    kind: type[_Light] | None = None
    if annotation is str:
        kind = _Text
    elif annotation is bool:
        kind = _Flag
    elif origin is list and get_args(annotation) == (str,):
        kind = _Texts
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        kind = _Choice
    elif isinstance(annotation, type) and issubclass(annotation, Path):
        if info.path_type is None and routes_to_path(annotation, info):
            kind = _Path
    return kind(parameter_info=info, annotation=annotation) if kind else None


@dataclass(frozen=True)
class _Light(RuntimeParam):
    """A runtime parameter checked here; a value of an unexpected type goes to typer's
    own (built, with pydantic, only then). Its kinds below add no fields, so they are
    not made dataclasses of their own (about 1 ms each at every start)."""

    _typer: list[RuntimeParam] = field(default_factory=list, compare=False, repr=False)

    def _theirs(self, value: Any, param: Any, ctx: Any) -> Any:
        if not self._typer:
            from typer._coercion import build_runtime_param, resolve_type_descriptor

            descriptor = resolve_type_descriptor(self.annotation, self.parameter_info)
            self._typer.append(build_runtime_param(descriptor))
        return self._typer[0]._coerce_value(value, param=param, ctx=ctx)


class _Text(_Light):
    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        return value if type(value) is str else self._theirs(value, param, ctx)


class _Flag(_Light):
    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        return value if type(value) is bool else self._theirs(value, param, ctx)


class _Texts(_Light):
    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, list | tuple) and all(type(item) is str for item in value):
            return list(value)
        return self._theirs(value, param, ctx)


class _Path(_Light):
    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        path = self.annotation(value) if type(value) is str else value
        if not isinstance(path, self.annotation):
            return self._theirs(value, param, ctx)
        try:
            return coerce_cli_path(
                path, self.parameter_info, path_type=self.annotation, param=param, ctx=ctx
            )
        except BadParameter:
            if str(path) == str(value):
                raise
            # typer's message names the path as typed ("./x", "a//b" and "x/" are not)
            return self._theirs(value, param, ctx)


class _Choice(_Light):
    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if type(value) is not str and not isinstance(value, Enum):
            return self._theirs(value, param, ctx)
        try:
            return coerce_cli_choice(
                value,
                choices=tuple(self.annotation),
                case_sensitive=self.parameter_info.case_sensitive,
                ctx=ctx,
            )
        except ValueError as exc:
            raise BadParameter(str(exc), ctx=ctx, param=param) from None
