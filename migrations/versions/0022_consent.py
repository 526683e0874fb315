"""personal data (Law 91/2025/QH15): a consent record per journalist (history kept), the office's basis,
purpose and retention, the journalist's title and erasure stamp, and requests about personal data.
Every journalist already in the book gets a record: basis public_task, source "migration" (before consent
records existed), no network sharing unless the office had already offered them to the network.

Revision ID: 0022_consent
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

import coordinator.core.db

revision = "0022_consent"
down_revision = "0021_twofactor"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contacts_public_task', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.add_column(sa.Column('contacts_purpose', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), nullable=True))
    with op.batch_alter_table('journalist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_title', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('erased_at', coordinator.core.db.UTCDateTime(), nullable=True))
    op.create_table(
        'consent_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('journalist_id', sa.Integer(), nullable=False),
        sa.Column('basis', sa.String(length=20), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('network_sharing', sa.Boolean(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('source_detail', sa.Text(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', coordinator.core.db.UTCDateTime(), nullable=False),
        sa.Column('withdrawn_at', coordinator.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['journalist_id'], ['journalist.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['office_id'], ['office.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_consent_record_journalist', 'consent_record', ['journalist_id', 'id'], unique=False)
    op.create_table(
        'data_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('journalist_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
        sa.Column('decided_at', coordinator.core.db.UTCDateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['journalist_id'], ['journalist.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['office_id'], ['office.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_data_request_office_status', 'data_request', ['office_id', 'status'], unique=False)
    op.create_index(op.f('ix_data_request_journalist_id'), 'data_request', ['journalist_id'], unique=False)
    # Journalists already in the book: processed under the office's public-interest task until now.
    op.execute(sa.text(
        "INSERT INTO consent_record (office_id, journalist_id, basis, purpose, network_sharing, source, "
        "source_detail, recorded_at) "
        "SELECT j.office_id, j.id, 'public_task', '', "
        "EXISTS (SELECT 1 FROM contact_offer o WHERE o.journalist_id = j.id AND o.status = 'active'), "
        "'migration', NULL, j.created_at FROM journalist j"))


def downgrade():
    op.drop_index(op.f('ix_data_request_journalist_id'), table_name='data_request')
    op.drop_index('ix_data_request_office_status', table_name='data_request')
    op.drop_table('data_request')
    op.drop_index('ix_consent_record_journalist', table_name='consent_record')
    op.drop_table('consent_record')
    with op.batch_alter_table('journalist', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('job_title')
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.drop_column('retention_years')
        batch_op.drop_column('contacts_purpose')
        batch_op.drop_column('contacts_public_task')
