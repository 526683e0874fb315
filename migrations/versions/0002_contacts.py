"""contacts: outlets, journalists, beats, lists

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import coordinator.core.db  # noqa: F401

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('beat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_beat_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_beat')),
    sa.UniqueConstraint('office_id', 'slug', name=op.f('uq_beat_office_id_slug'))
    )
    with op.batch_alter_table('beat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_beat_office_id'), ['office_id'], unique=False)

    op.create_table('distribution_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_distribution_list_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_list')),
    sa.UniqueConstraint('office_id', 'name', name=op.f('uq_distribution_list_office_id_name'))
    )
    with op.batch_alter_table('distribution_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_list_office_id'), ['office_id'], unique=False)

    op.create_table('outlet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('name_folded', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_outlet_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outlet')),
    sa.UniqueConstraint('office_id', 'name_folded', name=op.f('uq_outlet_office_id_name_folded'))
    )
    with op.batch_alter_table('outlet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outlet_office_id'), ['office_id'], unique=False)

    op.create_table('contact_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('processed_rows', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('started_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('finished_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_contact_import_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_contact_import_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_import'))
    )
    with op.batch_alter_table('contact_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_import_office_id'), ['office_id'], unique=False)

    op.create_table('journalist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=False),
    sa.Column('full_name_folded', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('status_changed_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['journalist.id'], name=op.f('fk_journalist_merged_into_id_journalist'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_journalist_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_journalist_outlet_id_outlet'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journalist')),
    sa.UniqueConstraint('office_id', 'email', name=op.f('uq_journalist_office_id_email'))
    )
    with op.batch_alter_table('journalist', schema=None) as batch_op:
        batch_op.create_index('ix_journalist_office_name', ['office_id', 'full_name_folded'], unique=False)
        batch_op.create_index('ix_journalist_office_status', ['office_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_journalist_outlet_id'), ['outlet_id'], unique=False)

    op.create_table('distribution_list_member',
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('journalist_id', sa.Integer(), nullable=False),
    sa.Column('added_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['journalist_id'], ['journalist.id'], name=op.f('fk_distribution_list_member_journalist_id_journalist'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['list_id'], ['distribution_list.id'], name=op.f('fk_distribution_list_member_list_id_distribution_list'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('list_id', 'journalist_id', name=op.f('pk_distribution_list_member'))
    )
    with op.batch_alter_table('distribution_list_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_list_member_journalist_id'), ['journalist_id'], unique=False)

    op.create_table('journalist_beat',
    sa.Column('journalist_id', sa.Integer(), nullable=False),
    sa.Column('beat_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['beat_id'], ['beat.id'], name=op.f('fk_journalist_beat_beat_id_beat'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['journalist_id'], ['journalist.id'], name=op.f('fk_journalist_beat_journalist_id_journalist'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('journalist_id', 'beat_id', name=op.f('pk_journalist_beat'))
    )
    with op.batch_alter_table('journalist_beat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journalist_beat_beat_id'), ['beat_id'], unique=False)

    op.create_table('journalist_outlet_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('journalist_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['journalist_id'], ['journalist.id'], name=op.f('fk_journalist_outlet_history_journalist_id_journalist'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_journalist_outlet_history_outlet_id_outlet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journalist_outlet_history'))
    )
    with op.batch_alter_table('journalist_outlet_history', schema=None) as batch_op:
        batch_op.create_index('ix_journalist_outlet_history_journalist', ['journalist_id', 'valid_from'], unique=False)
        batch_op.create_index(batch_op.f('ix_journalist_outlet_history_outlet_id'), ['outlet_id'], unique=False)


def downgrade():
    with op.batch_alter_table('journalist_outlet_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journalist_outlet_history_outlet_id'))
        batch_op.drop_index('ix_journalist_outlet_history_journalist')

    op.drop_table('journalist_outlet_history')
    with op.batch_alter_table('journalist_beat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journalist_beat_beat_id'))

    op.drop_table('journalist_beat')
    with op.batch_alter_table('distribution_list_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_list_member_journalist_id'))

    op.drop_table('distribution_list_member')
    with op.batch_alter_table('journalist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journalist_outlet_id'))
        batch_op.drop_index('ix_journalist_office_status')
        batch_op.drop_index('ix_journalist_office_name')

    op.drop_table('journalist')
    with op.batch_alter_table('contact_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_import_office_id'))

    op.drop_table('contact_import')
    with op.batch_alter_table('outlet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outlet_office_id'))

    op.drop_table('outlet')
    with op.batch_alter_table('distribution_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_list_office_id'))

    op.drop_table('distribution_list')
    with op.batch_alter_table('beat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_beat_office_id'))

    op.drop_table('beat')
