"""回访 attempts: a clerk's call about an answer that reached nobody

Revision ID: e4a7c1d9b2f8
Revises: d2b8e6f1a3c5
Create Date: 2026-12-05 05:00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = 'e4a7c1d9b2f8'
down_revision = 'd2b8e6f1a3c5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('callback_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('attempted_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_callback_attempt_item_id_feedback_item'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_id'], ['reply.id'], name=op.f('fk_callback_attempt_reply_id_reply'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'],
                            name=op.f('fk_callback_attempt_recorded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_attempt'))
    )
    with op.batch_alter_table('callback_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callback_attempt_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_callback_attempt_reply_id'), ['reply_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('callback_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callback_attempt_reply_id'))
        batch_op.drop_index(batch_op.f('ix_callback_attempt_item_id'))
    op.drop_table('callback_attempt')
