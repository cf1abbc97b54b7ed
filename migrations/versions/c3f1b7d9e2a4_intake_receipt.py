"""intake receipts: one row per submitted intake form, so a reload or a double click files nothing twice

Revision ID: c3f1b7d9e2a4
Revises: a14c0e5d2b71
Create Date: 2026-12-05 02:10:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = 'c3f1b7d9e2a4'
down_revision = 'a14c0e5d2b71'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('intake_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_intake_receipt_item_id_feedback_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_receipt')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_intake_receipt_token_hash'))
    )
    with op.batch_alter_table('intake_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_receipt_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_intake_receipt_item_id'), ['item_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('intake_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_receipt_item_id'))
        batch_op.drop_index(batch_op.f('ix_intake_receipt_created_at'))
    op.drop_table('intake_receipt')
