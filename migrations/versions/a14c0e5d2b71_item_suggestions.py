"""measure suggestions and a text fingerprint stored with each item when it is created

Revision ID: a14c0e5d2b71
Revises: 9d41c7a2e5b3
Create Date: 2026-12-05 00:05:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'a14c0e5d2b71'
down_revision = '9d41c7a2e5b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suggestions', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('text_key', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_feedback_item_text_key'), ['text_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_item_text_key'))
        batch_op.drop_column('text_key')
        batch_op.drop_column('suggestions')
