"""campaign.shown_on_home: the campaign the rectification office chose for the public home page

Revision ID: b7d3e9a1c5f2
Revises: f1c5a8e2d9b4
Create Date: 2026-12-05 07:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d3e9a1c5f2'
down_revision = 'f1c5a8e2d9b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown_on_home', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('shown_on_home')
