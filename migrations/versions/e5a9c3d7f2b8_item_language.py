"""the language an opinion was submitted in (zh or en), for the mails to its submitter; existing items are Chinese

Revision ID: e5a9c3d7f2b8
Revises: e4a7c1d9b2f8
Create Date: 2026-12-05 05:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'e5a9c3d7f2b8'
down_revision = 'e4a7c1d9b2f8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='zh', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_column('language')
