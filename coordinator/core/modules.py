"""A package that is split into modules by use case but imported as one (``ops.create_series``).

Each module says what it offers in its ``__all__``; the package's ``__init__`` calls
``reexport(globals(), module, ...)`` once, so the list of names lives in one place: next to the code.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any


def reexport(namespace: dict[str, Any], *modules: ModuleType) -> list[str]:
    """Put every name in each module's ``__all__`` into ``namespace``; return them (for the package's ``__all__``)."""
    names: list[str] = []
    for module in modules:
        for name in module.__all__:
            existing = namespace.get(name)
            if existing is not None and existing is not getattr(module, name) and not isinstance(existing, ModuleType):
                raise ImportError(f"{module.__name__}.{name} would hide another {name!r} in the package")
            namespace[name] = getattr(module, name)
            names.append(name)
    return sorted(names)
