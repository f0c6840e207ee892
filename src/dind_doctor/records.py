"""Records: the dataclass subset the project uses, built without compiling code at import.

``dataclasses`` writes ``__init__``, ``__repr__`` and ``__eq__`` of every class as source text
and compiles it, and imports ``inspect`` (with ``ast``, ``dis`` and ``tokenize``) to do so:
about 0.7 ms per class, some 35 ms of a diagnosis that should take less time than typing the
commands it replaces. A record gets the same methods from generic functions over its field
list instead. Supported: defaults, ``field(default_factory=...)``, inheritance, ``frozen``,
``__post_init__``, and the helpers ``asdict``, ``fields``, ``is_record`` and ``replace``.
Annotations are read as written (the project uses postponed annotations); ``ClassVar`` fields
are skipped.
"""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T")
else:  # what type checkers see above, as a no-op: the decorator only informs them

    def dataclass_transform(**_options: object) -> Callable[[object], object]:
        return lambda function: function


__all__ = ["FrozenRecordError", "asdict", "field", "fields", "is_record", "record", "replace"]

_MISSING: Any = object()
_FIELDS = "__record_fields__"


class FrozenRecordError(AttributeError):
    """Assignment to a field of a frozen record."""


class Field:
    """One field of a record: its name and how it gets a value when none is passed."""

    __slots__ = ("default", "default_factory", "name")

    def __init__(self, default: Any = _MISSING, default_factory: Any = _MISSING) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.default_factory is _MISSING

    def __repr__(self) -> str:
        return f"Field({self.name!r})"


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] = _MISSING) -> Any:
    """A field with a default value or a factory for one (``field(default_factory=list)``)."""
    return Field(default, default_factory)


@dataclass_transform(field_specifiers=(field, Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = False) -> Any:
    """Class decorator: fields from the annotations, like ``@dataclass``."""

    def wrap(klass: type[T]) -> type[T]:
        return _build(klass, frozen)

    return wrap if cls is None else wrap(cls)


def _is_classvar(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar"))


def _build(cls: type[T], frozen: bool) -> type[T]:
    inherited: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for item in getattr(base, _FIELDS, ()):
            inherited[item.name] = item
    own: dict[str, Field] = {}
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063 (inspect costs its import)
        if _is_classvar(annotation):
            continue
        value = cls.__dict__.get(name, _MISSING)
        item = value if isinstance(value, Field) else Field(default=value)
        item.name = name
        if isinstance(item.default, (list, dict, set)):
            raise ValueError(f"mutable default for {cls.__name__}.{name}: use default_factory")
        if isinstance(value, Field):
            if item.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, item.default)
        own[name] = item
    all_fields = tuple({**inherited, **own}.values())
    seen_default = False
    for item in all_fields:
        if not item.required:
            seen_default = True
        elif seen_default:
            raise TypeError(f"{cls.__name__}: required field {item.name!r} follows a default")
    methods: dict[str, Any] = {_FIELDS: all_fields, "__init__": _make_init(all_fields, frozen)}
    if "__repr__" not in cls.__dict__:
        methods["__repr__"] = _repr
    if "__eq__" not in cls.__dict__:
        methods["__eq__"] = _eq
        methods["__hash__"] = _hash if frozen else None
    if frozen:
        methods["__setattr__"] = _frozen_setattr
        methods["__delattr__"] = _frozen_delattr
    methods["__match_args__"] = tuple(item.name for item in all_fields)
    for name, value in methods.items():
        setattr(cls, name, value)
    return cls


def _make_init(all_fields: tuple[Field, ...], frozen: bool) -> Callable[..., None]:
    names = frozenset(item.name for item in all_fields)
    assign = object.__setattr__ if frozen else setattr

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(all_fields):
            raise TypeError(
                f"{type(self).__name__}() takes {len(all_fields)} positional arguments"
                f" but {len(args)} were given"
            )
        for item, value in zip(all_fields, args, strict=False):
            if item.name in kwargs:
                raise TypeError(f"{type(self).__name__}() got multiple values for {item.name!r}")
            assign(self, item.name, value)
        for item in all_fields[len(args) :]:
            if item.name in kwargs:
                value = kwargs[item.name]
            elif item.default is not _MISSING:
                value = item.default
            elif item.default_factory is not _MISSING:
                value = item.default_factory()
            else:
                raise TypeError(f"{type(self).__name__}() missing argument {item.name!r}")
            assign(self, item.name, value)
        unknown = kwargs.keys() - names
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected arguments {sorted(unknown)}")
        post_init = getattr(self, "__post_init__", None)
        if post_init is not None:
            post_init()

    return __init__


def _values(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, item.name) for item in getattr(obj, _FIELDS))


def _repr(self: Any) -> str:
    inner = ", ".join(f"{item.name}={getattr(self, item.name)!r}" for item in fields(self))
    return f"{type(self).__qualname__}({inner})"


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r} of a frozen record")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r} of a frozen record")


def is_record(obj: object) -> bool:
    """True for a record class or instance."""
    return hasattr(obj, _FIELDS)


def fields(obj: object) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order."""
    try:
        result: tuple[Field, ...] = getattr(obj, _FIELDS)
    except AttributeError:
        raise TypeError(f"{obj!r} is not a record") from None
    return result


def asdict(obj: Any) -> dict[str, Any]:
    """A record as plain data: nested records, lists, tuples and dicts converted (copies)."""
    if not is_record(obj) or isinstance(obj, type):
        raise TypeError("asdict() takes a record instance")
    result: dict[str, Any] = _plain(obj)
    return result


def _plain(value: Any) -> Any:
    if is_record(value) and not isinstance(value, type):
        return {item.name: _plain(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of a record with some fields changed."""
    values = {item.name: getattr(obj, item.name) for item in fields(obj)}
    unknown = changes.keys() - values.keys()
    if unknown:
        raise TypeError(f"replace() got unexpected fields {sorted(unknown)}")
    result: T = type(obj)(**{**values, **changes})
    return result
