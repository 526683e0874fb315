"""a pack's embargo can follow its briefing: lifted at the briefing's start plus N minutes, held while the
briefing is cancelled

Revision ID: 0017
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

import coordinator.core.db

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pack', schema=None) as batch_op:
        batch_op.add_column(sa.Column('embargo_offset_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('embargo_held_at', coordinator.core.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('pack', schema=None) as batch_op:
        batch_op.drop_column('embargo_held_at')
        batch_op.drop_column('embargo_offset_minutes')
