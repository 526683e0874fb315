"""schedule: series, briefings, holidays, feeds

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

import coordinator.core.db  # noqa: F401

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feed_state',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('etag', sa.String(length=80), nullable=False),
    sa.Column('last_modified', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_feed_state_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_feed_state'))
    )
    with op.batch_alter_table('feed_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_state_office_id'), ['office_id'], unique=False)

    op.create_table('office_closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_office_closure_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_closure')),
    sa.UniqueConstraint('office_id', 'day', name=op.f('uq_office_closure_office_id_day'))
    )
    with op.batch_alter_table('office_closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_closure_office_id'), ['office_id'], unique=False)

    op.create_table('schedule_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('dtstart', sa.DateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('rrule', sa.Text(), nullable=False),
    sa.Column('holiday_policy', sa.String(length=32), nullable=False),
    sa.Column('venue', sa.String(length=500), nullable=True),
    sa.Column('online_url', sa.String(length=1000), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('invite_lead_days', sa.Integer(), nullable=False),
    sa.Column('reminders', sa.JSON(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('split_from_id', sa.Integer(), nullable=True),
    sa.Column('materialised_until', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('last_modified', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_schedule_series_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['split_from_id'], ['schedule_series.id'], name=op.f('fk_schedule_series_split_from_id_schedule_series'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_series')),
    sa.UniqueConstraint('uid', name=op.f('uq_schedule_series_uid'))
    )
    with op.batch_alter_table('schedule_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_series_office_id'), ['office_id'], unique=False)

    op.create_table('schedule_state',
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_schedule_state_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('office_id', name=op.f('pk_schedule_state'))
    )
    op.create_table('briefing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('recurrence_id', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('start', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('end', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=True),
    sa.Column('venue', sa.String(length=500), nullable=True),
    sa.Column('online_url', sa.String(length=1000), nullable=True),
    sa.Column('agenda', sa.Text(), nullable=True),
    sa.Column('spokespeople', sa.Text(), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=True),
    sa.Column('is_crisis', sa.Boolean(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('holiday_note', sa.String(length=255), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('last_modified', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_briefing_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['schedule_series.id'], name=op.f('fk_briefing_series_id_schedule_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefing')),
    sa.UniqueConstraint('series_id', 'recurrence_id', name=op.f('uq_briefing_series_id_recurrence_id'))
    )
    with op.batch_alter_table('briefing', schema=None) as batch_op:
        batch_op.create_index('ix_briefing_office_start', ['office_id', 'start'], unique=False)
        batch_op.create_index(batch_op.f('ix_briefing_series_id'), ['series_id'], unique=False)

    op.create_table('journalist_feed_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('journalist_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['journalist_id'], ['journalist.id'], name=op.f('fk_journalist_feed_token_journalist_id_journalist'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_journalist_feed_token_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journalist_feed_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_journalist_feed_token_token_hash'))
    )
    with op.batch_alter_table('journalist_feed_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journalist_feed_token_journalist_id'), ['journalist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journalist_feed_token_office_id'), ['office_id'], unique=False)



def downgrade():
    with op.batch_alter_table('journalist_feed_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journalist_feed_token_office_id'))
        batch_op.drop_index(batch_op.f('ix_journalist_feed_token_journalist_id'))

    op.drop_table('journalist_feed_token')
    with op.batch_alter_table('briefing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_briefing_series_id'))
        batch_op.drop_index('ix_briefing_office_start')

    op.drop_table('briefing')
    op.drop_table('schedule_state')
    with op.batch_alter_table('schedule_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_series_office_id'))

    op.drop_table('schedule_series')
    with op.batch_alter_table('office_closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_closure_office_id'))

    op.drop_table('office_closure')
    with op.batch_alter_table('feed_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_state_office_id'))

    op.drop_table('feed_state')
