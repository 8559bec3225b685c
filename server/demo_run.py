"""`make demo`: a fresh demo database, the API server, the outbox worker — then the logins.

Everything lives under ./.demo (database, sent emails and SMS as files). Ctrl+C stops it all.
Ports: SKOLHUB_DEMO_PORT (API, 8000) and SKOLHUB_DEMO_APP_PORT (app, 8550).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / ".demo"


def main() -> int:
    api_port = int(os.environ.get("SKOLHUB_DEMO_PORT", "8000"))
    app_port = int(os.environ.get("SKOLHUB_DEMO_APP_PORT", "8550"))
    if DEMO.exists():
        shutil.rmtree(DEMO)
    DEMO.mkdir()
    env = dict(os.environ)
    env.update(
        SKOLHUB_DATABASE_URL=f"sqlite:///{DEMO / 'skolhub-demo.db'}",
        SKOLHUB_EMAIL_SINK_DIR=str(DEMO / "outbox" / "email"),
        SKOLHUB_SMS_SINK_DIR=str(DEMO / "outbox" / "sms"),
        SKOLHUB_UPLOAD_DIR=str(DEMO / "uploads"),
        SKOLHUB_PUBLIC_BASE_URL=f"http://127.0.0.1:{api_port}",
        SKOLHUB_APP_BASE_URL=f"http://127.0.0.1:{app_port}",
        # BankID: the simulator is served by the demo server itself at /bankid-sim.
        SKOLHUB_BANKID_SIMULATOR_MOUNTED="1",
        SKOLHUB_BANKID_BASE_URL=f"http://127.0.0.1:{api_port}/bankid-sim/rp/v6.0",
    )
    python = sys.executable
    skolhub = [python, "-m", "server.cli"]
    subprocess.run([*skolhub, "migrate"], env=env, check=True, cwd=ROOT)
    seeded = subprocess.run([*skolhub, "seed-demo"], env=env, check=True, cwd=ROOT, capture_output=True, text=True)

    procs = [
        subprocess.Popen([*skolhub, "serve", "--port", str(api_port)], env=env, cwd=ROOT),
        subprocess.Popen([*skolhub, "worker"], env=env, cwd=ROOT),
    ]
    app_cmd = ROOT / "src" / "main.py"
    app_url = None
    if app_cmd.exists():
        # The app in web mode, served locally (no CDN), with its cache under .demo/app.
        app_env = dict(env, SKOLHUB_SERVER_URL=f"http://127.0.0.1:{api_port}", FLET_WEB_NO_CDN="1", SKOLHUB_APP_DATA_DIR=str(DEMO / "app"))
        procs.append(subprocess.Popen([python, "-m", "src.serve_web", "--port", str(app_port)], env=app_env, cwd=ROOT))
        app_url = f"http://127.0.0.1:{app_port}"

    def stop(*_: object) -> None:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    api_url = f"http://127.0.0.1:{api_port}"
    for url in [f"{api_url}/api/v1/health"] + ([app_url] if app_url else []):
        for _ in range(150):
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    print("\n" + "=" * 72)
    print("Skolhub demo is running (Ctrl+C stops it)")
    if app_url:
        print(f"  App:     {app_url}   (open it in a browser; the browser's language, Svenska/English on the login page)")
    print(f"  API:     {api_url}/api/v1   (OpenAPI: {api_url}/docs)")
    print(f"  BankID:  {api_url}/bankid-sim/   (the simulated BankID app: pick a person, Identify)")
    print(f"  Emails and SMS the demo sends: {DEMO / 'outbox'}")
    print(seeded.stdout.rstrip())
    print("=" * 72 + "\n", flush=True)
    while True:
        for proc in procs:
            if proc.poll() is not None:
                print(f"a demo process exited ({proc.args!r}); stopping", file=sys.stderr)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
