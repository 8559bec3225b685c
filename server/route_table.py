"""What the request guards need to know about each operation: whether it takes files (the
body limit of uploads applies) and which path parameters are integers (ids). Read once per app
from its routes (FastAPI keeps included routers as branches: they are walked with their
prefixes); tests/server/test_hardening.py checks the table against the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.params import File
from fastapi.routing import APIRoute


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    pattern: re.Pattern[str]
    takes_files: bool
    int_path_params: frozenset[str]


def _params(dependant: Dependant, kind: str) -> Iterator[Any]:
    yield from getattr(dependant, kind)
    for sub in dependant.dependencies:
        yield from _params(sub, kind)


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router") and hasattr(route, "include_context"):
            yield from _routes(route.original_router.routes, prefix + route.include_context.prefix)


def build(app: FastAPI) -> list[Operation]:
    table = []
    for path, route in _routes(app.router.routes):
        pattern = re.compile("^" + re.sub(r"\\\{([^}:]+)(?::[^}]*)?\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$")
        takes_files = any(isinstance(p.field_info, File) for p in _params(route.dependant, "body_params"))
        ints = frozenset(p.alias for p in _params(route.dependant, "path_params") if p.field_info.annotation is int)
        for method in route.methods or ():
            table.append(Operation(method, path, pattern, takes_files, ints))
    return table


def find(app: FastAPI, method: str, path: str) -> Operation | None:
    table: list[Operation] | None = getattr(app.state, "route_table", None)
    if table is None:
        table = app.state.route_table = build(app)
    for operation in table:
        if operation.method == method and operation.pattern.match(path):
            return operation
    return None
