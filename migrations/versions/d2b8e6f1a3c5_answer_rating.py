"""answer ratings: the citizen's 满意 / 基本满意 / 不满意 on each sent answer

Revision ID: d2b8e6f1a3c5
Revises: c7e2f9a4b1d6
Create Date: 2026-12-05 04:50:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = 'd2b8e6f1a3c5'
down_revision = 'c7e2f9a4b1d6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=24), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('rated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_answer_rating_item_id_feedback_item'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_id'], ['reply.id'], name=op.f('fk_answer_rating_reply_id_reply'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'],
                            name=op.f('fk_answer_rating_recorded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_rating')),
    sa.UniqueConstraint('reply_id', name=op.f('uq_answer_rating_reply_id'))
    )
    with op.batch_alter_table('answer_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_rating_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_rating_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_rating_rated_at'), ['rated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('answer_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_rating_rated_at'))
        batch_op.drop_index(batch_op.f('ix_answer_rating_level'))
        batch_op.drop_index(batch_op.f('ix_answer_rating_item_id'))
    op.drop_table('answer_rating')
