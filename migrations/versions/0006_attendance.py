"""attendance: check-in, questions, coverage

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import coordinator.core.db  # noqa: F401

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('journalist_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('checked_in_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['briefing_id'], ['briefing.id'], name=op.f('fk_attendance_briefing_id_briefing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['by_user_id'], ['user.id'], name=op.f('fk_attendance_by_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['journalist_id'], ['journalist.id'], name=op.f('fk_attendance_journalist_id_journalist'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_attendance_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_attendance_outlet_id_outlet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('briefing_id', 'journalist_id', name=op.f('uq_attendance_briefing_id_journalist_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_journalist', ['journalist_id'], unique=False)
        batch_op.create_index('ix_attendance_office_outlet', ['office_id', 'outlet_id'], unique=False)
    op.create_table('coverage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('briefing_id', sa.Integer(), nullable=True),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('tone', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['briefing_id'], ['briefing.id'], name=op.f('fk_coverage_briefing_id_briefing'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_coverage_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_coverage_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_coverage_outlet_id_outlet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage')),
    sa.UniqueConstraint('office_id', 'url', name=op.f('uq_coverage_office_id_url'))
    )
    with op.batch_alter_table('coverage', schema=None) as batch_op:
        batch_op.create_index('ix_coverage_briefing', ['briefing_id'], unique=False)
        batch_op.create_index('ix_coverage_office_published', ['office_id', 'published_on'], unique=False)
        batch_op.create_index('ix_coverage_outlet', ['outlet_id'], unique=False)
    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('journalist_id', sa.Integer(), nullable=True),
    sa.Column('outlet_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('asked_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('answered_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('mail_answer', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_question_answered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['briefing_id'], ['briefing.id'], name=op.f('fk_question_briefing_id_briefing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['journalist_id'], ['journalist.id'], name=op.f('fk_question_journalist_id_journalist'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['question.id'], name=op.f('fk_question_merged_into_id_question'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_question_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_question_outlet_id_outlet'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index('ix_question_briefing_position', ['briefing_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_journalist_id'), ['journalist_id'], unique=False)
        batch_op.create_index('ix_question_office_asked', ['office_id', 'asked_at'], unique=False)


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index('ix_question_office_asked')
        batch_op.drop_index(batch_op.f('ix_question_journalist_id'))
        batch_op.drop_index('ix_question_briefing_position')
    op.drop_table('question')
    with op.batch_alter_table('coverage', schema=None) as batch_op:
        batch_op.drop_index('ix_coverage_outlet')
        batch_op.drop_index('ix_coverage_office_published')
        batch_op.drop_index('ix_coverage_briefing')
    op.drop_table('coverage')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_office_outlet')
        batch_op.drop_index('ix_attendance_journalist')
    op.drop_table('attendance')
