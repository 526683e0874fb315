"""an invitation remembers when its last full REQUEST was made (its DTSTAMP), so an occurrence's update or
CANCEL is not sent to whom that REQUEST already carried it

Revision ID: 0018_itip
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

import coordinator.core.db

revision = "0018_itip"
down_revision = "0023_tone"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_stamp', coordinator.core.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('request_stamp')
