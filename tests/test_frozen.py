"""``@frozen`` behaves as ``@dataclass(frozen=True)``: the same class made both ways, side by side."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import pkgutil
from dataclasses import FrozenInstanceError, InitVar, field
from functools import cached_property
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xtrust
from xtrust import Counterexample
from xtrust._frozen import _SHAPES, _init, frozen

MAKERS = {"frozen": frozen, "dataclass": dataclasses.dataclass(frozen=True)}


def twins(namespace: dict[str, Any]) -> dict[str, type]:
    """The class of ``namespace`` made once with each decorator."""
    return {name: make(type("Value", (), {"__doc__": "A value.", "__module__": __name__, **namespace}))
            for name, make in MAKERS.items()}


# a field: (default: None, ("value", v) or ("factory", list); compare; hash: None/True/False; repr)
FIELD = st.tuples(
    st.one_of(st.none(), st.tuples(st.just("value"), st.integers(-2, 2)), st.just(("factory", list))),
    st.booleans(), st.sampled_from([None, True, False]), st.booleans())
SPECS = st.lists(FIELD, max_size=4).map(
    # no field without a default after one with a default: both decorators refuse that class alike
    lambda fields: sorted(fields, key=lambda f: f[0] is not None))
VALUES = st.one_of(st.integers(-2, 2), st.lists(st.integers(0, 1), max_size=1), st.text("ab", max_size=1))


def namespace_of(spec: list[Any]) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__annotations__": {f"f{i}": "Any" for i in range(len(spec))}}
    for i, (default, compare, hashed, shown) in enumerate(spec):
        options: dict[str, Any] = {"compare": compare, "hash": hashed, "repr": shown}
        if default is not None:
            options["default" if default[0] == "value" else "default_factory"] = default[1]
        namespace[f"f{i}"] = field(**options)
    return namespace


def outcome(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What calling the class gives: its fields' values, or that it refused."""
    try:
        value = cls(*args, **kwargs)
    except TypeError:
        return TypeError
    return [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]


def hashed(value: object) -> Any:
    try:
        return hash(value)
    except TypeError:
        return TypeError


@given(SPECS, st.data())
def test_frozen_behaves_as_a_frozen_dataclass(spec: list[Any], data: st.DataObject) -> None:
    made = twins(namespace_of(spec))
    names = [f"f{i}" for i in range(len(spec))]
    args = tuple(data.draw(st.lists(VALUES, max_size=len(spec) + 1), label="args"))
    kwargs = data.draw(st.dictionaries(st.sampled_from([*names, "other"]), VALUES, max_size=3), label="kwargs")
    assert outcome(made["frozen"], args, kwargs) == outcome(made["dataclass"], args, kwargs)
    other = tuple(data.draw(st.lists(VALUES, min_size=len(spec), max_size=len(spec)), label="other"))
    pairs = {}
    for name, cls in made.items():
        try:
            first, second = cls(*args, **kwargs), cls(*other)
        except TypeError:
            continue
        pairs[name] = (first, second)
        assert first == first and (first == second) == (second == first)
        assert list(vars(first)) == names  # the fields in order, however they were passed
        assert copy.deepcopy(first) == first  # through __reduce_ex__, as pickle (this class has no importable name)
        assert dataclasses.replace(first) == first and dataclasses.asdict(first) == dict(outcome(cls, args, kwargs))
        with pytest.raises(FrozenInstanceError):
            first.f0 = 1  # type: ignore[attr-defined]
        with pytest.raises(FrozenInstanceError):
            del first.f0  # type: ignore[attr-defined]
    if pairs:
        (a, b), (c, d) = pairs["frozen"], pairs["dataclass"]
        assert (a == b) == (c == d)
        assert (a != b) == (c != d)
        assert hashed(a) == hashed(c) and hashed(b) == hashed(d)
        assert repr(a) == repr(c) and repr(b) == repr(d)
        if any(default is not None and default[0] == "factory" for default, *_ in spec):
            assert a == type(a)(*args, **kwargs)  # a fresh default each time, equal to the last one


def test_the_class_reads_as_a_dataclass() -> None:
    made = twins({"__annotations__": {"arn": "str", "tags": "dict[str, str]", "count": "int"},
                  "tags": field(default_factory=dict), "count": 0})
    shown = {name: (str(inspect.signature(cls)), cls.__match_args__,  # type: ignore[attr-defined]
                    [f.name for f in dataclasses.fields(cls)], dataclasses.is_dataclass(cls), cls.__doc__)
             for name, cls in made.items()}
    assert shown["frozen"] == shown["dataclass"] == (
        "(arn: 'str', tags: 'dict[str, str]' = <factory>, count: 'int' = 0) -> None",
        ("arn", "tags", "count"), ["arn", "tags", "count"], True, "A value.")
    for cls in made.values():
        assert list(vars(cls(count=1, tags={}, arn="a"))) == ["arn", "tags", "count"]
    value = made["frozen"]("arn:aws:iam::123456789012:role/Admin")
    assert value != made["dataclass"]("arn:aws:iam::123456789012:role/Admin")  # another class
    assert value.__eq__(object()) is NotImplemented


def test_post_init_and_cached_properties() -> None:
    seen = []

    @frozen
    class Limits:
        """Bounds checked once made."""

        low: int
        high: int = 10

        def __post_init__(self) -> None:
            seen.append((self.low, self.high))
            if self.low > self.high:
                raise ValueError("low above high")

        @cached_property
        def width(self) -> int:
            return self.high - self.low

    limits = Limits(2)
    assert seen == [(2, 10)] and limits.width == 8 and limits.width == 8
    assert limits == Limits(2, 10) and hash(limits) == hash(Limits(low=2))  # the cached width is no field
    with pytest.raises(ValueError, match="low above high"):
        Limits(11)


def test_subclasses_behave_as_a_dataclass_subclasses() -> None:
    """A subclass left plain has its base's methods; one made again adds its own fields after the base's."""
    seen = {}
    for name, make in MAKERS.items():
        base = make(type("Base", (), {"__doc__": "A base.", "__annotations__": {"arn": "str"}}))
        plain = type("Plain", (base,), {"__doc__": "A subclass left plain."})
        made = make(type("Made", (base,), {"__doc__": "A subclass made again.", "__annotations__": {"n": "int"},
                                           "n": 0}))
        value = plain("a")
        value.note = "a subclass's own attribute"  # allowed: not a field, not the class made
        with pytest.raises(FrozenInstanceError):
            value.arn = "b"
        with pytest.raises(FrozenInstanceError):
            base("a").note = "x"
        seen[name] = (repr(value), value == plain("a"), value == base("a"), hash(value) == hash(base("a")),
                      repr(made("a", 2)), made("a") == made("a", 0), str(inspect.signature(made)), vars(value))
    assert seen["frozen"] == seen["dataclass"]


@pytest.mark.parametrize(("namespace", "refused"), [
    ({"__eq__": lambda self, other: True}, "defines __eq__"),
    ({"__repr__": lambda self: "V"}, "defines __repr__"),
    ({"__init__": lambda self: None}, "defines __init__"),
    ({"__annotations__": {"x": "int"}, "x": field(init=False, default=0)}, "plain init field"),
    ({"__annotations__": {"x": "int"}, "x": field(kw_only=True)}, "plain init field"),
    ({"__annotations__": {"x": ClassVar[int]}, "x": 1}, "plain init field"),
    ({"__annotations__": {"x": InitVar[int]}}, "plain init field"),
], ids=["eq", "repr", "init", "init-false", "kw-only", "classvar", "initvar"])
def test_what_frozen_refuses(namespace: dict[str, Any], refused: str) -> None:
    with pytest.raises(TypeError, match=refused):
        frozen(type("Value", (), {"__doc__": "A value.", **namespace}))


def test_errors_name_the_class() -> None:
    with pytest.raises(TypeError, match=r"^Counterexample\(\): missing a required argument"):
        Counterexample()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^Counterexample\(\): got an unexpected keyword argument 'nope'"):
        Counterexample("p", "a", "r", nope=1)  # type: ignore[call-arg]


def test_every_frozen_value_of_xtrust_is_made_with_frozen() -> None:
    """Every frozen dataclass the package defines is made with @frozen (a class made with
    ``@dataclass(frozen=True)`` costs its module's import about 1 ms)."""
    classes = []
    for module in pkgutil.walk_packages(xtrust.__path__, "xtrust."):
        if module.name == "xtrust.__main__":
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.name:
                classes.append(value)
    made_with_dataclass = [cls.__qualname__ for cls in classes
                           if cls not in _SHAPES and cls.__dataclass_params__.frozen]  # type: ignore[attr-defined]
    assert made_with_dataclass == []
    assert len([cls for cls in classes if cls in _SHAPES]) >= 50
    assert all(cls.__init__ is _init for cls in _SHAPES)
