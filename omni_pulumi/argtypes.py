"""Argument types shared by the resources' models.

Omni answers with lowercase UUIDs. An uppercase one in a program is the same id to Omni, but it
would differ from what Omni returns on every read and, on a replace-only argument, replace the
object; so every uuid argument is one type that checks the form and lowercases it at check.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

#: A uuid argument (a connection, model, folder or user id), lowercased as Omni spells it.
Uuid = Annotated[str, StringConstraints(pattern=UUID_PATTERN, to_lower=True)]
