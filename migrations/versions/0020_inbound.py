"""refused calendar replies from SendGrid Inbound Parse, with their reasons

Revision ID: 0020_inbound
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

import coordinator.core.db

revision = "0020_inbound"
down_revision = "0018_itip"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inbound_refusal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=True),
        sa.Column('invitation_id', sa.Integer(), nullable=True),
        sa.Column('sender', sa.String(length=255), nullable=False),
        sa.Column('recipient', sa.String(length=255), nullable=False),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('recorded', sa.Integer(), nullable=False),
        sa.Column('received_at', coordinator.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_inbound_refusal_invitation_id_invitation'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_inbound_refusal_office_id_office'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_refusal')),
    )
    with op.batch_alter_table('inbound_refusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_refusal_office_id'), ['office_id'], unique=False)


def downgrade():
    with op.batch_alter_table('inbound_refusal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_refusal_office_id'))
    op.drop_table('inbound_refusal')
