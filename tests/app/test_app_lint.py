"""The app's code is held to the same bar as the server's: ruff on src/, mypy on src/services."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_is_lint_clean_and_its_services_type_check():
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tools"], cwd=ROOT, capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout[-3000:]
    mypy = subprocess.run([sys.executable, "-m", "mypy", "services"], cwd=ROOT / "src", capture_output=True, text=True, timeout=600)
    assert mypy.returncode == 0, mypy.stdout[-3000:]
