"""the redacted question published with an answer (答复公开 shows question and answer together)

Revision ID: e4a9c3b7d215
Revises: e5a9c3d7f2b8
Create Date: 2026-12-05 04:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'e4a9c3b7d215'
down_revision = 'e5a9c3d7f2b8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_question', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_column('public_question')
