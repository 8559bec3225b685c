"""Security headers for the app's web server (src/serve_web.py).

Flet's web server answers every request with `Access-Control-Allow-Origin: *`; this wrapper
drops that and adds a Content-Security-Policy (the page may load only its own scripts, the
Flutter engine's WebAssembly, and images from itself and the Skolhub API), no framing
(`frame-ancestors 'none'`, `X-Frame-Options: DENY`), `nosniff`, no referrer, and HSTS when the
request came over TLS.
"""

from __future__ import annotations

from typing import Any

Scope = dict[str, Any]


def content_security_policy(api_url: str = "") -> bytes:
    api = f" {api_url.rstrip('/')}" if api_url.startswith(("http://", "https://")) else ""
    return (
        "default-src 'self'; "
        "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; "  # Flet's inline bootstrap, CanvasKit
        "style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob:{api}; media-src 'self' blob:{api}; font-src 'self' data:; "
        "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ).encode()


class WebSecurityHeaders:
    def __init__(self, app: Any, api_url: str = "") -> None:
        self.app = app
        self.csp = content_security_policy(api_url)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"access-control-allow-origin"]
                present = {k.lower() for k, _ in headers}
                wanted = [
                    (b"content-security-policy", self.csp),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if tls:
                    wanted.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                message = {**message, "headers": headers + [(k, v) for k, v in wanted if k not in present]}
            await send(message)

        await self.app(scope, receive, with_headers)
