"""notification and outbox texts as catalog keys + parameters, rendered in the reader's language

Notifications and outbox messages get `text_key` and `text_params` (and outbox messages the
recipient's `language`): the feed renders a notification's title when it is read, the worker an
email or SMS when it sends (R80). Existing notifications of the protected boxes (R5) that named
an assessment's subject, a portfolio entry's title or an IUP's term get the neutral text.

Revision ID: 0009_notification_text_keys
Revises: 0008_hardening_throttles
Create Date: 2026-12-02 06:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_notification_text_keys"
down_revision: str | Sequence[str] | None = "0008_hardening_throttles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEUTRAL = {
    "assessment_published": "Ny bedömning har publicerats",
    "portfolio_published": "Ny dokumentation har publicerats",
    "iup_published": "Ny dokumentation har publicerats",
}


def upgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("text_key", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("text_params", sa.Text(), nullable=True))
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("text_key", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("text_params", sa.Text(), nullable=True))
        batch.add_column(sa.Column("language", sa.String(length=2), nullable=True))
    notification = sa.table(
        "notification", sa.column("type", sa.String), sa.column("title", sa.String),
        sa.column("text_key", sa.String), sa.column("text_params", sa.Text),
    )
    for type_, title in NEUTRAL.items():
        op.execute(
            notification.update()
            .where(notification.c.type == type_)
            .values(title=title, text_key=f"notice.{type_}", text_params="{}")
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("language")
        batch.drop_column("text_params")
        batch.drop_column("text_key")
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("text_params")
        batch.drop_column("text_key")
