"""The schema comes only from migrations, and the migration head matches the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coordinator.extensions import db


def test_migration_head_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "models and migrations differ; run flask db migrate:\n" + "\n".join(
        map(str, differences))


def test_single_migration_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from coordinator import BASE_DIR

    config = Config()
    config.set_main_option("script_location", str(BASE_DIR / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
