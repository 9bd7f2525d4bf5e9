"""The WSGI application: what happens to every request before and after a handler runs.

Order, as a request meets it: counted -> latency -> authenticated (401/403) -> rate limited (429)
-> injected failure -> routed (404/405) -> validated (400) -> handled -> state saved -> optionally
dropped without an answer. Every step answers in Omni's error shape ``{"detail", "status"}``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .errors import ApiError, reason
from .routes import Caller, Context, Reply, Route, all_routes
from .validation import validate_body, validate_path, validate_query

if TYPE_CHECKING:
    from .app import Emulator

_REDACTED = "Bearer <redacted>"


@dataclass
class Exchange:
    """One request and its answer, kept when the emulator records (for contract tests)."""

    method: str
    path: str
    query_string: str
    request_headers: dict[str, str]
    request_body: bytes
    template: str | None
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""

    @property
    def request_json(self) -> Any:
        return json.loads(self.request_body) if self.request_body else None

    @property
    def response_json(self) -> Any:
        return json.loads(self.response_body) if self.response_body else None


def _template_to_rule(template: str) -> str:
    return template.replace("{", "<").replace("}", ">")


class EmulatorApp:
    """WSGI callable serving the routes of :mod:`omni_pulumi.emulator.routes`."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.routes: dict[tuple[str, str], Route] = {}
        rules = []
        for route in all_routes():
            self.routes[(route.method, route.template)] = route
            rules.append(
                Rule(
                    _template_to_rule(route.template),
                    methods=[route.method],
                    endpoint=(route.method, route.template),
                )
            )
        self.url_map = Map(rules, strict_slashes=False, merge_slashes=False)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        exchange = self._start_exchange(request)
        response, commit = self._respond(request, exchange)
        if exchange is not None:
            exchange.status = response.status_code
            exchange.response_headers = dict(response.headers)
            exchange.response_body = response.get_data()
            self.emulator._record(exchange)
        if commit and self._should_drop(request, response):
            return self._drop(environ)
        return response(environ, start_response)

    # --- the pipeline ---------------------------------------------------------------------------

    def _respond(self, request: Request, exchange: Exchange | None) -> tuple[Response, bool]:
        emu = self.emulator
        adapter = self.url_map.bind("emulator", path_info=request.path)
        route: Route | None = None
        params: dict[str, str] = {}
        routing_error: HTTPException | None = None
        try:
            endpoint, params = adapter.match(method=request.method)
            route = self.routes[endpoint]
        except HTTPException as exc:
            routing_error = exc
        template = route.template if route else request.path
        if exchange is not None:
            exchange.template = route.template if route else None
        emu._count(request.method, template)
        if emu.latency:
            time.sleep(emu.latency)
        try:
            caller = self._authenticate(request)
            if route is not None and route.org_only and not caller.org:
                raise ApiError(403, "Forbidden: this endpoint requires an organization API key")
            wait = emu._limiter.admit(caller.key)
            if wait is not None:
                raise ApiError(
                    429,
                    "Too Many Requests: rate limit exceeded "
                    f"({emu._limiter.per_minute} requests/minute)",
                    {"Retry-After": f"{wait:g}"},
                )
            failure = emu._faults.take_failure(request.method, request.path)
            if failure is not None:
                headers = {}
                if failure.retry_after is not None:
                    headers["Retry-After"] = f"{failure.retry_after:g}"
                raise ApiError(failure.status, reason(failure.status), headers)
            if routing_error is not None:
                raise self._routing_error(routing_error)
            assert route is not None
            reply = self._dispatch(route, request, params, caller)
        except ApiError as err:
            return _json_response(err.status, err.body(), err.headers), False
        commit = request.method != "GET" and 200 <= reply.status < 300
        if commit:
            emu.store.save()
        return _json_response(reply.status, reply.body, reply.headers), commit

    def _authenticate(self, request: Request) -> Caller:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        owner = self.emulator._keys.get(token.strip()) if scheme.lower() == "bearer" else None
        if owner is None:
            raise ApiError(401, "Unauthorized: missing or invalid API key")
        return Caller(key=token.strip(), org=owner["org"], user_id=owner["userId"])

    @staticmethod
    def _routing_error(exc: HTTPException) -> ApiError:
        if isinstance(exc, MethodNotAllowed):
            return ApiError(405, "Method Not Allowed")
        if isinstance(exc, NotFound):
            return ApiError(404, "Not Found")
        return ApiError(exc.code or 500, exc.description or "Error")

    def _dispatch(
        self, route: Route, request: Request, params: dict[str, str], caller: Caller
    ) -> Reply:
        emu = self.emulator
        validate_path(params, route.uuid_params)
        query = validate_query(route.query, request.args.to_dict(flat=True))
        body = None
        if route.body is not None:
            raw = request.get_data()
            try:
                parsed = json.loads(raw) if raw.strip() else {}
            except ValueError as exc:
                raise ApiError(400, "Bad Request: Invalid JSON") from exc
            body = validate_body(route.body, parsed)
        with emu.store.lock:
            ctx = Context(emu, emu.store, caller, params, query, body)
            result = route.handler(ctx)
        if isinstance(result, Reply):
            return result
        return Reply(route.status, result)

    # --- dropped connections --------------------------------------------------------------------

    def _should_drop(self, request: Request, response: Response) -> bool:
        return self.emulator._faults.take_drop(request.method, request.path) is not None

    @staticmethod
    def _drop(environ: dict) -> list[bytes]:
        """Close the client's socket: the write happened, the client never hears of it."""
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        raise ConnectionAbortedError("emulator dropped the connection after commit")

    def _start_exchange(self, request: Request) -> Exchange | None:
        if not self.emulator.record:
            return None
        headers = dict(request.headers)
        if "Authorization" in headers:
            headers["Authorization"] = _REDACTED
        return Exchange(
            method=request.method,
            path=request.path,
            query_string=request.query_string.decode(),
            request_headers=headers,
            request_body=request.get_data(),
            template=None,
        )


def _json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    if status == 204 or body is None:
        response = Response(status=status)
    else:
        response = Response(json.dumps(body), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
