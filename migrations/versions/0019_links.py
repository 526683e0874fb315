"""links with a life: a journalist's links can be revoked on their own (links_version); API tokens get an
expiry and a scope; an offer to the network names its audience (chosen offices, trusted offices, all)

Revision ID: 0019_links
Revises: 0017
"""
import json

import sqlalchemy as sa
from alembic import op

import coordinator.core.db

revision = "0019_links"
down_revision = "0020_inbound"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('journalist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('links_version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', coordinator.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('scope', sa.String(length=12), nullable=False, server_default='read_write'))
    with op.batch_alter_table('contact_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=10), nullable=False, server_default='chosen'))
    bind = op.get_bind()
    # Tokens already issued keep what they could do: an admin's token stays an admin token. They were
    # already stored as SHA-256 hashes (token_hash), so there is nothing to hash here.
    bind.execute(sa.text("UPDATE api_token SET scope = 'admin' WHERE user_id IN "
                         "(SELECT id FROM \"user\" WHERE role = 'admin')"))
    # An offer made with no office chosen was made to the whole network, as the form then said: it stays so
    # (new offers default to the trusted offices).
    offers = sa.table('contact_offer', sa.column('id', sa.Integer), sa.column('office_ids', sa.JSON),
                      sa.column('audience', sa.String))
    for row in bind.execute(sa.select(offers.c.id, offers.c.office_ids)).all():
        ids = row.office_ids if not isinstance(row.office_ids, str) else json.loads(row.office_ids or "[]")
        if not ids:
            bind.execute(offers.update().where(offers.c.id == row.id).values(audience='all'))


def downgrade():
    with op.batch_alter_table('contact_offer', schema=None) as batch_op:
        batch_op.drop_column('audience')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('scope')
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('journalist', schema=None) as batch_op:
        batch_op.drop_column('links_version')
