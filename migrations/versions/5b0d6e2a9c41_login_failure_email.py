"""login failures counted per e-mail typed, whether or not an account has it

Revision ID: 5b0d6e2a9c41
Revises: ffc07155c8b4
Create Date: 2026-11-28 01:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '5b0d6e2a9c41'
down_revision = 'ffc07155c8b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_login_failure_email'), ['email'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_email'))
        batch_op.drop_column('email')
