"""the network of offices: multi-point briefings, shared contacts

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import coordinator.core.db  # noqa: F401

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('network_trust',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('trusted_office_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_network_trust_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_network_trust_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trusted_office_id'], ['office.id'], name=op.f('fk_network_trust_trusted_office_id_office'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_trust')),
    sa.UniqueConstraint('office_id', 'trusted_office_id', name=op.f('uq_network_trust_office_id_trusted_office_id'))
    )
    with op.batch_alter_table('network_trust', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_trust_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_trust_trusted_office_id'), ['trusted_office_id'], unique=False)

    op.create_table('connection_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('host_briefing_id', sa.Integer(), nullable=False),
    sa.Column('point_office_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('local_briefing_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('responded_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['host_briefing_id'], ['briefing.id'], name=op.f('fk_connection_point_host_briefing_id_briefing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_connection_point_invited_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['local_briefing_id'], ['briefing.id'], name=op.f('fk_connection_point_local_briefing_id_briefing'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_connection_point_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['point_office_id'], ['office.id'], name=op.f('fk_connection_point_point_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responded_by_id'], ['user.id'], name=op.f('fk_connection_point_responded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connection_point')),
    sa.UniqueConstraint('host_briefing_id', 'point_office_id', name=op.f('uq_connection_point_host_briefing_id_point_office_id'))
    )
    with op.batch_alter_table('connection_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connection_point_host_briefing_id'), ['host_briefing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_connection_point_local_briefing_id'), ['local_briefing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_connection_point_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_connection_point_point_office_id'), ['point_office_id'], unique=False)

    op.create_table('contact_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('journalist_id', sa.Integer(), nullable=True),
    sa.Column('office_ids', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', coordinator.core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_contact_offer_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['journalist_id'], ['journalist.id'], name=op.f('fk_contact_offer_journalist_id_journalist'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_contact_offer_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_contact_offer_outlet_id_outlet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_offer'))
    )
    with op.batch_alter_table('contact_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_offer_journalist_id'), ['journalist_id'], unique=False)
        batch_op.create_index('ix_contact_offer_office_status', ['office_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_offer_outlet_id'), ['outlet_id'], unique=False)

    op.create_table('network_contact_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('origin_office_id', sa.Integer(), nullable=False),
    sa.Column('origin_outlet_id', sa.Integer(), nullable=True),
    sa.Column('origin_journalist_id', sa.Integer(), nullable=True),
    sa.Column('local_outlet_id', sa.Integer(), nullable=True),
    sa.Column('local_journalist_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_network_contact_link_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['local_journalist_id'], ['journalist.id'], name=op.f('fk_network_contact_link_local_journalist_id_journalist'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['local_outlet_id'], ['outlet.id'], name=op.f('fk_network_contact_link_local_outlet_id_outlet'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['offer_id'], ['contact_offer.id'], name=op.f('fk_network_contact_link_offer_id_contact_offer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_network_contact_link_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['origin_journalist_id'], ['journalist.id'], name=op.f('fk_network_contact_link_origin_journalist_id_journalist'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['origin_office_id'], ['office.id'], name=op.f('fk_network_contact_link_origin_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['origin_outlet_id'], ['outlet.id'], name=op.f('fk_network_contact_link_origin_outlet_id_outlet'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_contact_link')),
    sa.UniqueConstraint('offer_id', 'office_id', name=op.f('uq_network_contact_link_offer_id_office_id'))
    )
    with op.batch_alter_table('network_contact_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_contact_link_local_journalist_id'), ['local_journalist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_contact_link_local_outlet_id'), ['local_outlet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_contact_link_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_contact_link_origin_journalist_id'), ['origin_journalist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_contact_link_origin_office_id'), ['origin_office_id'], unique=False)

    op.create_table('network_pack_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('host_pack_id', sa.Integer(), nullable=False),
    sa.Column('host_root_id', sa.Integer(), nullable=False),
    sa.Column('local_pack_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['host_pack_id'], ['pack.id'], name=op.f('fk_network_pack_copy_host_pack_id_pack'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['local_pack_id'], ['pack.id'], name=op.f('fk_network_pack_copy_local_pack_id_pack'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_network_pack_copy_office_id_office'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['point_id'], ['connection_point.id'], name=op.f('fk_network_pack_copy_point_id_connection_point'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_pack_copy')),
    sa.UniqueConstraint('point_id', 'host_pack_id', name=op.f('uq_network_pack_copy_point_id_host_pack_id'))
    )
    with op.batch_alter_table('network_pack_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_pack_copy_host_pack_id'), ['host_pack_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_pack_copy_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_pack_copy_point_id'), ['point_id'], unique=False)



def downgrade():
    with op.batch_alter_table('network_pack_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_pack_copy_point_id'))
        batch_op.drop_index(batch_op.f('ix_network_pack_copy_office_id'))
        batch_op.drop_index(batch_op.f('ix_network_pack_copy_host_pack_id'))

    op.drop_table('network_pack_copy')
    with op.batch_alter_table('network_contact_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_contact_link_origin_office_id'))
        batch_op.drop_index(batch_op.f('ix_network_contact_link_origin_journalist_id'))
        batch_op.drop_index(batch_op.f('ix_network_contact_link_office_id'))
        batch_op.drop_index(batch_op.f('ix_network_contact_link_local_outlet_id'))
        batch_op.drop_index(batch_op.f('ix_network_contact_link_local_journalist_id'))

    op.drop_table('network_contact_link')
    with op.batch_alter_table('contact_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_offer_outlet_id'))
        batch_op.drop_index('ix_contact_offer_office_status')
        batch_op.drop_index(batch_op.f('ix_contact_offer_journalist_id'))

    op.drop_table('contact_offer')
    with op.batch_alter_table('connection_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connection_point_point_office_id'))
        batch_op.drop_index(batch_op.f('ix_connection_point_office_id'))
        batch_op.drop_index(batch_op.f('ix_connection_point_local_briefing_id'))
        batch_op.drop_index(batch_op.f('ix_connection_point_host_briefing_id'))

    op.drop_table('connection_point')
    with op.batch_alter_table('network_trust', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_trust_trusted_office_id'))
        batch_op.drop_index(batch_op.f('ix_network_trust_office_id'))

    op.drop_table('network_trust')
