"""The error answers the emulator gives, in Omni's body shape ``{"detail": ..., "status": ...}``."""

from __future__ import annotations

from http import HTTPStatus


class ApiError(Exception):
    """Raised by a handler to answer with an error status and Omni's own wording."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}

    def body(self) -> dict[str, object]:
        return {"detail": self.detail, "status": self.status}


def bad_request(message: str) -> ApiError:
    """A 400 worded like Omni's zod layer: ``Bad Request: <field>: <message>``."""
    return ApiError(400, f"Bad Request: {message}")


def not_found(detail: str) -> ApiError:
    return ApiError(404, detail)


def conflict(detail: str) -> ApiError:
    return ApiError(409, detail)


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
