"""coverage found from outlets' feeds

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import coordinator.core.db  # noqa: F401

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outlet_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=True),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('interval_seconds', sa.Integer(), nullable=False),
    sa.Column('next_fetch_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('last_state', sa.String(length=20), nullable=False),
    sa.Column('last_fetch_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('last_success_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('last_new_item_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('consecutive_errors', sa.Integer(), nullable=False),
    sa.Column('items_total', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_outlet_feed_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_outlet_feed_outlet_id_outlet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outlet_feed')),
    sa.UniqueConstraint('office_id', 'url', name=op.f('uq_outlet_feed_office_id_url'))
    )
    with op.batch_alter_table('outlet_feed', schema=None) as batch_op:
        batch_op.create_index('ix_outlet_feed_due', ['paused', 'next_fetch_at'], unique=False)
        batch_op.create_index('ix_outlet_feed_outlet', ['outlet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outlet_feed_office_id'), ['office_id'], unique=False)
    op.create_table('feed_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('link', sa.String(length=1000), nullable=False),
    sa.Column('guid', sa.String(length=1000), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_source', sa.String(length=20), nullable=False),
    sa.Column('published_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('fetched_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('matched_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['feed_id'], ['outlet_feed.id'], name=op.f('fk_feed_item_feed_id_outlet_feed'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_feed_item_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_feed_item_outlet_id_outlet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_item')),
    sa.UniqueConstraint('office_id', 'url', name=op.f('uq_feed_item_office_id_url'))
    )
    with op.batch_alter_table('feed_item', schema=None) as batch_op:
        batch_op.create_index('ix_feed_item_office_published', ['office_id', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feed_item_feed_id'), ['feed_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feed_item_outlet_id'), ['outlet_id'], unique=False)
    op.create_table('match_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('phrases', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('tone', sa.String(length=20), nullable=True),
    sa.Column('coverage_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['briefing_id'], ['briefing.id'], name=op.f('fk_match_proposal_briefing_id_briefing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverage.id'], name=op.f('fk_match_proposal_coverage_id_coverage'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_match_proposal_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['feed_item.id'], name=op.f('fk_match_proposal_item_id_feed_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_match_proposal_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_proposal')),
    sa.UniqueConstraint('item_id', 'briefing_id', name=op.f('uq_match_proposal_item_id_briefing_id'))
    )
    with op.batch_alter_table('match_proposal', schema=None) as batch_op:
        batch_op.create_index('ix_match_proposal_office_status', ['office_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_proposal_briefing_id'), ['briefing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_proposal_item_id'), ['item_id'], unique=False)
    op.create_table('match_phrase_weight',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('phrase', sa.String(length=255), nullable=False),
    sa.Column('confirms', sa.Integer(), nullable=False),
    sa.Column('rejects', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_match_phrase_weight_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_phrase_weight')),
    sa.UniqueConstraint('office_id', 'phrase', name=op.f('uq_match_phrase_weight_office_id_phrase'))
    )
    op.create_table('monitoring_settings',
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_monitoring_settings_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('office_id', name=op.f('pk_monitoring_settings'))
    )


def downgrade():
    op.drop_table('monitoring_settings')
    op.drop_table('match_phrase_weight')
    with op.batch_alter_table('match_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_proposal_item_id'))
        batch_op.drop_index(batch_op.f('ix_match_proposal_briefing_id'))
        batch_op.drop_index('ix_match_proposal_office_status')
    op.drop_table('match_proposal')
    with op.batch_alter_table('feed_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_item_outlet_id'))
        batch_op.drop_index(batch_op.f('ix_feed_item_feed_id'))
        batch_op.drop_index('ix_feed_item_office_published')
    op.drop_table('feed_item')
    with op.batch_alter_table('outlet_feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outlet_feed_office_id'))
        batch_op.drop_index('ix_outlet_feed_outlet')
        batch_op.drop_index('ix_outlet_feed_due')
    op.drop_table('outlet_feed')
