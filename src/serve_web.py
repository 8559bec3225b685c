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


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8550)
    args = parser.parse_args()
    os.environ.setdefault("FLET_WEB_NO_CDN", "1")

    import flet_web.fastapi as flet_fastapi
    import uvicorn

    from main import ASSETS_DIR, main

    # flet's FastAPI app rather than ft.run: only it takes the name for the browser tab and the
    # web manifest (the favicon, manifest.json and icons/ come from assets/, which flet serves
    # before its own defaults).
    app = flet_fastapi.FastAPI()
    app.mount("/", flet_fastapi.app(
        main, assets_dir=ASSETS_DIR, app_name="Skolhub", app_short_name="Skolhub",
        app_description="Skolhub: news, schedule and messages from school and preschool", no_cdn=True,
    ))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", ws="websockets-sansio")


if __name__ == "__main__":
    cli()
