"""one head after the parallel areas

Revision ID: 0007_merge
Revises: 0002_comm, 0003_content, 0004_schedule, 0005_talks, 0006_bankid
Create Date: 2026-11-29 12:34:22.534925
"""
from __future__ import annotations

from collections.abc import Sequence

revision: str = '0007_merge'
down_revision: str | Sequence[str] | None = ('0002_comm', '0003_content', '0004_schedule', '0005_talks', '0006_bankid')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
