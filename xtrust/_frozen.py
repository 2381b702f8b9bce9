"""``@frozen``: a frozen dataclass whose methods are shared, not compiled class by class.

xtrust's values are frozen dataclasses (``dataclasses.fields``, ``replace`` and ``asdict`` work on them, and
assigning to a field raises ``FrozenInstanceError``). Python before 3.13 makes each dataclass by writing the
source of six methods (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``,
``__delattr__``) and compiling each with ``exec``: about 1.3 ms a class, and xtrust has fifty-five, so more
than half of every command's import. ``@frozen`` has :func:`dataclasses.dataclass` read the fields and
generate nothing, then gives the class six methods written once, here, that read the fields from a table
made at decoration time. They behave as the generated ones do (tests/test_frozen.py holds them side by side
with ``@dataclass(frozen=True)``): ``__init__`` takes the fields by position or name in order, with their
defaults and default factories; ``__eq__`` compares the fields with ``compare=True`` of two values of the
same class; ``__hash__`` hashes those fields (``hash=`` respected); ``__repr__`` shows the fields with
``repr=True``; a ``__post_init__`` is called after the fields are set. Not supported, and refused when
the class is made: ``ClassVar`` and ``InitVar`` fields, fields with ``init=False``, keyword-only fields, and
a class that defines one of the six methods itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError
from inspect import Parameter, Signature
from operator import attrgetter
from reprlib import recursive_repr
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:  # type checkers read @frozen as @dataclass(frozen=True)
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorated: decorated

__all__ = ["frozen"]

_T = TypeVar("_T")
_METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")
_set = object.__setattr__


class _Shape:
    """What the shared methods need to know of one class's fields."""

    __slots__ = ("_signature", "cls", "compared", "factories", "fields", "hashed", "names", "post_init", "required",
                 "shown", "template")

    def __init__(self, cls: type, fields: tuple[Field[Any], ...]) -> None:
        self.cls = cls
        self.fields = fields
        self.names = tuple(f.name for f in fields)
        # every field in order, with its default, or _FACTORY (its default is made by a factory) or _REQUIRED:
        # a call's arguments are written over a copy, which keeps the order
        self.template = {f.name: f.default if f.default is not MISSING else
                         _FACTORY if f.default_factory is not MISSING else _REQUIRED for f in fields}
        self.required = tuple(f.name for f in fields if self.template[f.name] is _REQUIRED)
        self.factories = tuple((f.name, cast("Callable[[], Any]", f.default_factory))
                               for f in fields if self.template[f.name] is _FACTORY)
        self.compared = _getter(tuple(f.name for f in fields if f.compare))
        self.hashed = _getter(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))
        self.shown = tuple(f.name for f in fields if f.repr)
        self.post_init = hasattr(cls, "__post_init__")
        self._signature: Signature | None = None

    @property
    def signature(self) -> Signature:
        """``ClassName(field, field=default, …)``, as ``help()`` and ``inspect.signature`` show it."""
        if self._signature is None:
            self._signature = Signature([
                Parameter(f.name, Parameter.POSITIONAL_OR_KEYWORD, annotation=f.type, default=(
                    f.default if f.default is not MISSING else
                    _FACTORY if f.default_factory is not MISSING else Parameter.empty))
                for f in self.fields
            ], return_annotation=None)
        return self._signature

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """The fields' values, in field order, from the arguments of a call of the class."""
        names = self.names
        if not args:
            if tuple(kwargs) == names:  # every field by name, in order: kwargs is the call's own fresh dict
                return kwargs
        elif not kwargs and len(args) == len(names):
            return dict(zip(names, args, strict=False))  # as many as names
        values = self.template.copy()
        if args:
            if len(args) > len(names) or (kwargs and not kwargs.keys().isdisjoint(names[:len(args)])):
                self._refuse(args, kwargs)  # too many, or one given twice
            values.update(zip(names, args, strict=False))  # the first len(args) fields
        values.update(kwargs)
        if len(values) != len(names):
            self._refuse(args, kwargs)  # a name that is no field
        for name in self.required:
            if values[name] is _REQUIRED:
                self._refuse(args, kwargs)
        for name, factory in self.factories:
            if values[name] is _FACTORY:
                values[name] = factory()
        return values

    def _refuse(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Raise the TypeError Python raises for these arguments, the class named."""
        try:
            self.signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"{self.cls.__qualname__}(): {exc}") from None
        raise AssertionError("arguments refused but bound")  # pragma: no cover


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()  # a default made by a factory, shown as dataclasses show it
_REQUIRED = object()  # a field without a default


class _Signature:
    """The class's signature, made when first asked for (``inspect.signature`` reads ``__signature__``)."""

    def __get__(self, instance: object, owner: type) -> Signature:
        return _SHAPES[owner].signature


class _Shapes(dict[type, _Shape]):
    """Each @frozen class's shape; a subclass that is not made with @frozen itself has its nearest base's, as
    it has the methods a dataclass generated for that base."""

    def __missing__(self, cls: type) -> _Shape:
        for base in cls.__mro__[1:]:
            if dict.__contains__(self, base):
                shape = self[cls] = self[base]
                return shape
        raise KeyError(cls)


_SHAPES = _Shapes()


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function from a value to the tuple of the named fields (attrgetter gives a bare value for one)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda value: (one(value),)
    return lambda value: ()


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    shape = _SHAPES[type(self)]
    _set(self, "__dict__", shape.bind(args, kwargs))
    if shape.post_init:
        self.__post_init__()


@recursive_repr()
def _repr(self: Any) -> str:
    shape = _SHAPES[type(self)]
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in shape.shown)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: object) -> object:
    if other.__class__ is self.__class__:
        compared = _SHAPES[type(self)].compared
        return bool(compared(self) == compared(other))
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(_SHAPES[type(self)].hashed(self))


def _setattr(self: Any, name: str, value: Any) -> None:
    shape = _SHAPES[type(self)]
    if type(self) is shape.cls or name in shape.names:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)  # an attribute of a subclass's own, as dataclasses allow


def _delattr(self: Any, name: str) -> None:
    shape = _SHAPES[type(self)]
    if type(self) is shape.cls or name in shape.names:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[_T]) -> type[_T]:
    """Make ``cls`` a frozen dataclass (see the module's docstring)."""
    defined = [name for name in _METHODS if name in cls.__dict__ and cls.__dict__[name] is not None]
    if defined:
        raise TypeError(f"@frozen class {cls.__qualname__} defines {', '.join(defined)}")
    made: Any = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    fields = dataclasses.fields(made)  # ClassVar and InitVar pseudo-fields left out
    if len(fields) != len(made.__dataclass_fields__) or any(not f.init or f.kw_only is True for f in fields):
        raise TypeError(f"@frozen class {cls.__qualname__}: every field must be a plain init field "
                        "(no ClassVar, InitVar, init=False or kw_only)")
    _SHAPES[made] = _Shape(made, fields)
    for name, method in zip(_METHODS, (_init, _repr, _eq, _hash, _setattr, _delattr), strict=True):
        setattr(made, name, method)
    made.__signature__ = _Signature()
    return cls
