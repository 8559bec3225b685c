"""Run Alembic migrations programmatically (CLI, demo, tests: the schema always comes from them)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def autogenerate(database_url: str, message: str, rev_id: str, head: str = "head", depends_on: str | None = None) -> None:
    """Developer tool: write a new migration from the models' difference to the database."""
    command.revision(alembic_config(database_url), message=message, autogenerate=True, rev_id=rev_id, head=head, depends_on=depends_on)
