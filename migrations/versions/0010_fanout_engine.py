"""the fan-out engine: lanes, targets, heartbeats; incremental invitation safety net

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

import coordinator.core.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue', sa.String(length=20), nullable=False, server_default='default'))
    with op.batch_alter_table('fan_out', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('spec', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('lane', sa.String(length=20), nullable=False, server_default='default'))
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('owner', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', coordinator.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('plans', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('resumes', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('resumed_at', coordinator.core.db.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_fan_out_event_id_outbox_event'), 'outbox_event', ['event_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_fan_out_unfinished', ['finished_at', 'heartbeat_at'], unique=False)
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_claim_token', ['claim_token'], unique=False)
    with op.batch_alter_table('schedule_series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience_checked_at', coordinator.core.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table('briefing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience_checked_at', coordinator.core.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table('journalist', schema=None) as batch_op:
        batch_op.create_index('ix_journalist_office_updated', ['office_id', 'updated_at'], unique=False)
    with op.batch_alter_table('distribution_list', schema=None) as batch_op:
        batch_op.create_index('ix_distribution_list_office_updated', ['office_id', 'updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('distribution_list', schema=None) as batch_op:
        batch_op.drop_index('ix_distribution_list_office_updated')
    with op.batch_alter_table('journalist', schema=None) as batch_op:
        batch_op.drop_index('ix_journalist_office_updated')
    with op.batch_alter_table('briefing', schema=None) as batch_op:
        batch_op.drop_column('audience_checked_at')
    with op.batch_alter_table('schedule_series', schema=None) as batch_op:
        batch_op.drop_column('audience_checked_at')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_claim_token')
    with op.batch_alter_table('fan_out', schema=None) as batch_op:
        batch_op.drop_index('ix_fan_out_unfinished')
        batch_op.drop_constraint(batch_op.f('fk_fan_out_event_id_outbox_event'), type_='foreignkey')
        for name in ('resumed_at', 'resumes', 'plans', 'heartbeat_at', 'owner', 'event_id', 'lane', 'spec', 'kind'):
            batch_op.drop_column(name)
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.drop_column('queue')
