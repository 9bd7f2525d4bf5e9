"""A dynamic provider that reports the interpreter its provider host runs under."""

from __future__ import annotations

import sys

import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class WhereProvider(ResourceProvider):
    def create(self, props):
        return CreateResult("where", {"prefix": sys.prefix, "executable": sys.executable})


class Where(Resource):
    prefix: pulumi.Output[str]
    executable: pulumi.Output[str]

    def __init__(self, name: str) -> None:
        super().__init__(WhereProvider(), name, {"prefix": None, "executable": None})
