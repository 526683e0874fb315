"""policies and the annual communication plan

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import coordinator.core.db  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('communication_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('responsible', sa.String(length=255), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_communication_plan_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_communication_plan')),
    sa.UniqueConstraint('office_id', 'year', name=op.f('uq_communication_plan_office_id_year'))
    )
    op.create_table('policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('beat_id', sa.Integer(), nullable=True),
    sa.Column('owner_department', sa.String(length=255), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('drafting_on', sa.Date(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('in_force_on', sa.Date(), nullable=True),
    sa.Column('under_review_on', sa.Date(), nullable=True),
    sa.Column('document_number', sa.String(length=100), nullable=True),
    sa.Column('consultation_open', sa.Boolean(), nullable=False),
    sa.Column('citizen_comments', sa.Boolean(), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['beat_id'], ['beat.id'], name=op.f('fk_policy_beat_id_beat'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_policy_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy'))
    )
    with op.batch_alter_table('policy', schema=None) as batch_op:
        batch_op.create_index('ix_policy_office_stage', ['office_id', 'stage'], unique=False)

    op.create_table('plan_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('planned_briefings', sa.JSON(), nullable=False),
    sa.Column('planned_packs', sa.JSON(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('responsible', sa.String(length=255), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_plan_item_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['communication_plan.id'], name=op.f('fk_plan_item_plan_id_communication_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_plan_item_policy_id_policy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_item')),
    sa.UniqueConstraint('plan_id', 'policy_id', name=op.f('uq_plan_item_plan_id_policy_id'))
    )
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_item_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_item_policy_id'), ['policy_id'], unique=False)

    op.create_table('policy_briefing',
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['briefing_id'], ['briefing.id'], name=op.f('fk_policy_briefing_briefing_id_briefing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_briefing_policy_id_policy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('policy_id', 'briefing_id', name=op.f('pk_policy_briefing'))
    )
    with op.batch_alter_table('policy_briefing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_briefing_briefing_id'), ['briefing_id'], unique=False)

    op.create_table('policy_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('journalist_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=255), nullable=False),
    sa.Column('author_email', sa.String(length=255), nullable=True),
    sa.Column('is_citizen', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('triaged_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('triaged_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['journalist_id'], ['journalist.id'], name=op.f('fk_policy_comment_journalist_id_journalist'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_policy_comment_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_comment_policy_id_policy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['triaged_by_id'], ['user.id'], name=op.f('fk_policy_comment_triaged_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_comment'))
    )
    with op.batch_alter_table('policy_comment', schema=None) as batch_op:
        batch_op.create_index('ix_policy_comment_office_status', ['office_id', 'status'], unique=False)
        batch_op.create_index('ix_policy_comment_policy_created', ['policy_id', 'created_at'], unique=False)

    op.create_table('policy_coverage',
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('coverage_id', sa.Integer(), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverage.id'], name=op.f('fk_policy_coverage_coverage_id_coverage'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_coverage_policy_id_policy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('policy_id', 'coverage_id', name=op.f('pk_policy_coverage'))
    )
    with op.batch_alter_table('policy_coverage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_coverage_coverage_id'), ['coverage_id'], unique=False)

    op.create_table('policy_pack',
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('pack_id', sa.Integer(), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pack_id'], ['pack.id'], name=op.f('fk_policy_pack_pack_id_pack'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_pack_policy_id_policy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('policy_id', 'pack_id', name=op.f('pk_policy_pack'))
    )
    with op.batch_alter_table('policy_pack', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_pack_pack_id'), ['pack_id'], unique=False)

    op.create_table('policy_question',
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_question_policy_id_policy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_policy_question_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('policy_id', 'question_id', name=op.f('pk_policy_question'))
    )
    with op.batch_alter_table('policy_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_question_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('policy_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_question_question_id'))

    op.drop_table('policy_question')
    with op.batch_alter_table('policy_pack', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_pack_pack_id'))

    op.drop_table('policy_pack')
    with op.batch_alter_table('policy_coverage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_coverage_coverage_id'))

    op.drop_table('policy_coverage')
    with op.batch_alter_table('policy_comment', schema=None) as batch_op:
        batch_op.drop_index('ix_policy_comment_policy_created')
        batch_op.drop_index('ix_policy_comment_office_status')

    op.drop_table('policy_comment')
    with op.batch_alter_table('policy_briefing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_briefing_briefing_id'))

    op.drop_table('policy_briefing')
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_item_policy_id'))
        batch_op.drop_index(batch_op.f('ix_plan_item_office_id'))

    op.drop_table('plan_item')
    with op.batch_alter_table('policy', schema=None) as batch_op:
        batch_op.drop_index('ix_policy_office_stage')

    op.drop_table('policy')
    op.drop_table('communication_plan')
