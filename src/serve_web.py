"""Serve the app over HTTP (a machine without a screen, the demo, the browser tests).

    python -m src.serve_web --port 8550      (SKOLHUB_SERVER_URL names the API server)

The Flutter renderer is served locally (no CDN), so this works offline.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


# How long the web server keeps a session after its page went away (flet's default is an hour).
# Within it a reload or a dropped connection resumes the same session; after it the session,
# its sync and its memory are let go — a new page logs in again from the token in the browser.
SESSION_TIMEOUT_SECONDS = 60


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8550)
    args = parser.parse_args()
    os.environ.setdefault("FLET_WEB_NO_CDN", "1")
    os.environ.setdefault("FLET_SESSION_TIMEOUT", str(SESSION_TIMEOUT_SECONDS))

    import flet_web.fastapi as flet_fastapi
    import uvicorn

    from main import ASSETS_DIR, main
    from web_security import WebSecurityHeaders

    # flet's FastAPI app rather than ft.run: only it takes the name for the browser tab and the
    # web manifest (the favicon, manifest.json and icons/ come from assets/, which flet serves
    # before its own defaults). Wrapped for security headers (and without flet's
    # `Access-Control-Allow-Origin: *`); served by uvicorn the way Flet serves it.
    app = flet_fastapi.FastAPI()
    app.mount("/", flet_fastapi.app(
        main, assets_dir=ASSETS_DIR, app_name="Skolhub", app_short_name="Skolhub",
        app_description="Skolhub: news, schedule and messages from school and preschool", no_cdn=True,
    ))
    print(f"App URL: http://{args.host}:{args.port}", flush=True)
    uvicorn.run(
        WebSecurityHeaders(app, os.environ.get("SKOLHUB_SERVER_URL", "")), host=args.host, port=args.port,
        ws="websockets-sansio", log_level="warning", proxy_headers=False, server_header=False,
    )


if __name__ == "__main__":
    cli()
