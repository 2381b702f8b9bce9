"""Files: read as UTF-8 text with one-line errors, YAML read with one-line errors; written whole or not at all
(a temporary file beside the target, fsynced, then renamed over it)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["load_yaml", "read_text", "write_all", "write_atomically"]


def read_text(path: str | Path, error: Callable[[str], Exception]) -> str:
    """A UTF-8 text file's contents; ``error(message)`` is raised, with a one-line message naming the file,
    when it cannot be read or is not UTF-8."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None


def load_yaml(text: str, source: str, error: Callable[[str], Exception]) -> Any:
    """The value of a YAML document (safe types only), parsed by libyaml where PyYAML was built with it;
    ``error(message)`` is raised, with a one-line message naming the source and the line, when it is not YAML."""
    import yaml  # only where a YAML file is read

    try:
        try:
            value = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except ValueError:
            # An unquoted date the calendar does not have (2027-02-29) fails PyYAML's making of a date: read the
            # file again with such a value kept as the text written, for the reader to name with its place.
            value = yaml.load(text, Loader=_text_for_impossible_dates())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{where}: not valid YAML: {problem}") from None
    except ValueError as exc:
        raise error(f"{source}: not valid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise error(f"{source}: not YAML xtrust can read: nested deeper than {MAX_DEPTH} levels") from None
    too_much = _too_much(value)
    if too_much:
        raise error(f"{source}: not YAML xtrust can read: {too_much}")
    return value


MAX_DEPTH = 64  # levels of lists and mappings in a YAML file xtrust reads (rules: 6)
MAX_VALUES = 100_000  # values in it, each alias counted as the values it stands for


def _too_much(value: Any) -> str:
    """What a YAML value holds too much of to be read: lists and mappings nested deeper than MAX_DEPTH (or a
    list that holds itself, through an alias), or more than MAX_VALUES values once its aliases are expanded
    (a few lines of anchors can stand for billions); empty when it holds neither."""
    count = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return f"more than {MAX_VALUES:,} values, aliases expanded"
        if isinstance(item, (dict, list)):
            if depth >= MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return ""


@lru_cache(maxsize=1)
def _text_for_impossible_dates() -> Any:
    """A safe YAML loader that keeps a date or time it cannot make (2027-02-29, 25:00) as the text written."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_yaml_timestamp(self, node: Any) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                return self.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
    return Loader


def _mode_for(target: Path) -> int:
    """The mode of the file being replaced, or that of a new file under the current umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: str | Path, text: str, *, private: bool = False) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the whole new one, never a part.

    ``private`` files (account snapshots: who may do what, in detail) are readable by their owner only;
    others keep the mode of the file they replace, or get that of any new file. See :func:`write_all`.
    """
    write_all([(path, text)], private=private)


def write_all(files: Sequence[tuple[str | Path, str]], *, private: bool = False) -> None:
    """Write each ``(path, text)``, each whole or not at all: every text goes to a new file beside its target
    first, and only once all are written are they renamed over their targets, so that a failure to write one
    (a full disk, a folder in the way) leaves every target as it was.

    A symbolic link is written through (the file it points to is replaced, the link stays), and a target
    that is no regular file (a pipe, ``/dev/null``) is written to as it is, not replaced. Text no UTF-8 can
    hold (a lone surrogate, from a ``\\udc80`` escape in the input) is written as its escape.
    """
    staged: list[tuple[Path, Path]] = []
    streams: list[tuple[Path, bytes]] = []
    try:
        for path, text in files:
            target = Path(os.path.realpath(path))
            data = text.encode("utf-8", "backslashreplace")
            if target.exists() and not target.is_file():
                if target.is_dir():
                    raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
                streams.append((target, data))
                continue
            fd, temp = _new_file_beside(target)
            staged.append((temp, target))
            os.fchmod(fd, 0o600 if private else _mode_for(target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for temp, target in staged:
            os.replace(temp, target)
    except BaseException:
        for temp, _ in staged:
            Path(temp).unlink(missing_ok=True)
        raise
    for target, data in streams:
        with open(target, "wb") as handle:
            handle.write(data)


def _new_file_beside(target: Path) -> tuple[int, Path]:
    """A new, empty file in the target's folder, under a random name that no other file had (O_EXCL: nor a
    link planted there), readable by its owner only; what tempfile.mkstemp makes, without the import of
    tempfile (and of shutil and random with it) that every command would pay."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temp, flags, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"{target.parent}: no free name for a temporary file")

