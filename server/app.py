"""The FastAPI application: create_app() wires settings, clock, database and every area in
AREAS (routes, home box, notifications, demo content)."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Engine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import server.models  # noqa: F401  (all tables registered)
from server import log_privacy, route_table
from server.clock import Clock, clock_for
from server.config import Settings
from server.db import make_engine, make_sessionmaker
from server.deps import DbDep
from server.errors import install_error_handlers
from server.home.boxes import Box, notification_count, register_box
from server.idempotency import IdempotencyMiddleware
from server.input_policy import enforce_input_policy
from server.leisure import service as leisure
from server.limits import BodyLimitMiddleware, ConcurrencyLimitMiddleware
from server.schedule import service as schedule
from server.security_headers import SecurityHeadersMiddleware
from server.talks import service as talks

log = logging.getLogger("skolhub")

API_PREFIX = "/api/v1"


class Health(BaseModel):
    status: str
    database: str


def _operation_id(route: APIRoute) -> str:
    return route.name


@dataclass(frozen=True)
class Area:
    """A part of the server, registered in AREAS and nowhere else: its routes (the `router` of
    server/<package>/routes.py), its home box, whether it sends notifications (the bell and the
    push settings, server/me/models.py PUSH_AREAS) and its demo content (server/<package>/demo.py
    `seed(db, clock, settings, world)`)."""

    name: str
    box: Box | None = None
    notifies: bool = False
    demo: bool = False
    package: str = ""  # defaults to the name

    @property
    def module(self) -> str:
        return f"server.{self.package or self.name}"


# One line per area. The order is the API's (OpenAPI) order and the demo seed's: schedule before
# absence (absences refer to lessons), population last (the register transfer fills in the
# addresses of everyone made before it). Box order (R7) is each box's own `order`.
AREAS: tuple[Area, ...] = (
    Area("accounts"),
    Area("me"),
    Area("schedule", Box(10, schedule.box_count, school_only=True), demo=True),
    Area("absence", Box(20, notification_count("absence")), notifies=True, demo=True),
    Area("sms", package="outbox"),
    Area("talks", Box(30, talks.box_count), notifies=True, demo=True),
    Area("leisure", Box(40, leisure.box_count), notifies=True, demo=True),
    Area("home", demo=True),
    Area("messages", notifies=True, demo=True),
    Area("notifications"),
    Area("bankid"),
    Area("assessments", Box(90, notification_count("assessments", unseen=True), school_only=True), notifies=True, demo=True),
    Area("documentation", Box(100, notification_count("documentation", unseen=True), school_only=True), notifies=True, demo=True),
    Area("information", Box(50, notification_count("information")), notifies=True, demo=True),
    Area("calendar", Box(60, notification_count("calendar")), notifies=True, demo=True),
    Area("blog", Box(70, notification_count("blog")), notifies=True, demo=True),
    Area("planning", Box(80, notification_count("planning"), school_only=True), notifies=True, demo=True),
    Area("population", demo=True),
)


def demo_modules() -> list[str]:
    """The demo seed's area modules, in AREAS order (server/demo.py)."""
    return [f"{area.module}.demo" for area in AREAS if area.demo]


def register_boxes() -> None:
    for area in AREAS:
        if area.box is not None:
            register_box(area.name, area.box)


def build_api_router() -> APIRouter:
    api = APIRouter(prefix=API_PREFIX)

    @api.get("/health", response_model=Health, tags=["system"], summary="Liveness and database reachability")
    def health(db: DbDep) -> Health:
        db.execute(sql_text("SELECT 1"))
        return Health(status="ok", database=db.get_bind().dialect.name)

    for area in AREAS:
        api.include_router(importlib.import_module(f"{area.module}.routes").router)
    register_boxes()
    return api


def create_app(settings: Settings | None = None, clock: Clock | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = engine or make_engine(settings.database_url, pool_size=settings.max_requests_in_flight)
    app = FastAPI(
        title="Skolhub API",
        version="1.0",
        description="The school's system of record behind the Skolhub app: guardians, students and staff.",
        generate_unique_id_function=_operation_id,
        dependencies=[Depends(enforce_input_policy)],  # server/input_policy.py: one policy for all input
    )
    app.state.settings = settings
    app.state.clock = clock or clock_for(settings.fixed_now, settings.clock_start)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    install_error_handlers(app)
    log_privacy.install()
    app.add_middleware(
        IdempotencyMiddleware,
        get_sessionmaker=lambda scope: scope["app"].state.sessionmaker,
        get_clock=lambda scope: scope["app"].state.clock,
        lease_seconds=settings.idempotency_lease_seconds,
    )
    # Admission control, then (outside it) the body limits: see server/limits.py.
    app.add_middleware(ConcurrencyLimitMiddleware, max_in_flight=settings.max_requests_in_flight)
    app.include_router(build_api_router())
    app.add_middleware(
        BodyLimitMiddleware,
        small_max_bytes=settings.request_max_bytes,
        upload_max_bytes=settings.upload_request_max_bytes or settings.upload_max_bytes + (1 << 20),
        is_upload=lambda scope: bool((op := route_table.find(scope["app"], scope["method"], scope["path"])) and op.takes_files),
        read_timeout_seconds=settings.body_read_timeout_seconds,
        upload_read_timeout_seconds=settings.upload_read_timeout_seconds,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.trust_forwarded_for:
        # The client address (per-address lockout) and scheme (HSTS) from a trusted proxy only.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    if settings.bankid_simulator_mounted:
        from server.bankid.simulator import create_simulator_app, people_from_database

        app.mount("/bankid-sim", create_simulator_app(app.state.clock, people_from_database(app.state.sessionmaker)))
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "Stable machine-readable code"},
                    "message": {"type": "string"},
                    "fields": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}},
                        },
                    },
                },
            }
        },
    }
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                for status in ("401", "403", "404", "409", "422", "429"):
                    operation["responses"].setdefault(
                        status, {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
                    )
                if "422" in operation["responses"]:
                    operation["responses"]["422"] = {
                        "description": "Invalid input",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
                    }
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    app.openapi_schema = schema
    return schema
