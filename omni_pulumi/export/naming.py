"""Names in the generated program: Python variables, Pulumi resource names and config keys.

All derive from the objects' own names (``"Snowflake (prod)"`` -> ``snowflake_prod``), so a reader
recognises them; clashes get the kind, then a number, and nothing shadows the program's own names.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

#: Names the generated module itself uses.
RESERVED = {"pulumi", "omni", "config", "id", "type", "format", "input", "object", "list", "dict"}


def words(text: str) -> str:
    """``"Snowflake (prod) - EU"`` -> ``snowflake_prod_eu``: ASCII, lowercase, underscores."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", plain)  # camelCase keeps its word breaks
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def kind_word(kind: str) -> str:
    return words(kind)


class Namer:
    """Hands out unique variable names for one generated program."""

    def __init__(self) -> None:
        self._taken: set[str] = set(RESERVED)

    def variable(self, label: str, kind: str) -> str:
        base = words(label) or kind_word(kind)
        if base[0].isdigit():
            base = f"{kind_word(kind)}_{base}"
        candidates = [base, f"{base}_{kind_word(kind)}"]
        for name in candidates:
            if name not in self._taken and not keyword.iskeyword(name):
                self._taken.add(name)
                return name
        n = 2
        while f"{candidates[-1]}_{n}" in self._taken:
            n += 1
        name = f"{candidates[-1]}_{n}"
        self._taken.add(name)
        return name


def resource_name(variable: str) -> str:
    """The Pulumi logical name: the variable, dashed (``snowflake-prod``)."""
    return variable.replace("_", "-")


def config_key(variable: str, what: str) -> str:
    """A stack config key, camelCase as Pulumi's own examples: ``snowflakeProdPassword``."""
    parts = [p for p in f"{variable}_{words(what)}".split("_") if p]
    return parts[0] + "".join(p.capitalize() for p in parts[1:])
