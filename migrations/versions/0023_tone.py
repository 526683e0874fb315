"""the tone proposed for every article, staff's labels, and the office's tone model versions

Revision ID: 0023_tone
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

import coordinator.core.db

revision = "0023_tone"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'article_tone',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('proposed', sa.String(length=20), nullable=False),
        sa.Column('confidence', sa.Float(), nullable=False),
        sa.Column('phrases', sa.JSON(), nullable=False),
        sa.Column('model_version', sa.String(length=60), nullable=False),
        sa.Column('proposed_at', coordinator.core.db.UTCDateTime(), nullable=False),
        sa.Column('label', sa.String(length=20), nullable=True),
        sa.Column('label_source', sa.String(length=20), nullable=True),
        sa.Column('labelled_by_id', sa.Integer(), nullable=True),
        sa.Column('labelled_at', coordinator.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['feed_item.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['labelled_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['office_id'], ['office.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('item_id'),
    )
    op.create_index('ix_article_tone_office_labelled', 'article_tone', ['office_id', 'labelled_at'], unique=False)
    op.create_table(
        'tone_model',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
        sa.Column('labels', sa.Integer(), nullable=False),
        sa.Column('train_size', sa.Integer(), nullable=False),
        sa.Column('heldout_size', sa.Integer(), nullable=False),
        sa.Column('accuracy', sa.Float(), nullable=False),
        sa.Column('macro_f1', sa.Float(), nullable=False),
        sa.Column('global_accuracy', sa.Float(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['office_id'], ['office.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('office_id', 'version'),
    )


def downgrade():
    op.drop_table('tone_model')
    op.drop_index('ix_article_tone_office_labelled', table_name='article_tone')
    op.drop_table('article_tone')
