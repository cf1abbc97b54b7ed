"""saved queue views (我的视图): each staff user's named filters, sort and search of the queue

Revision ID: e4a9c1f7b2d8
Revises: e4a9c3b7d215
Create Date: 2026-12-05 05:05:00.000000
"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = 'e4a9c1f7b2d8'
down_revision = 'e4a9c3b7d215'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saved_queue_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_saved_queue_view_user_id_staff_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_queue_view')),
    sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_queue_view_user_id_name'))
    )
    with op.batch_alter_table('saved_queue_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_queue_view_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('saved_queue_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_queue_view_user_id'))
    op.drop_table('saved_queue_view')
