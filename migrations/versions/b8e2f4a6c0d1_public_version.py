"""public version: what the public pages show, numbered per kind, bumped with every change to it

Revision ID: b8e2f4a6c0d1
Revises: a7d3e9b1c5f2
Create Date: 2026-12-05 07:55:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = 'b8e2f4a6c0d1'
down_revision = 'a7d3e9b1c5f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('public_version',
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_public_version'))
    )


def downgrade() -> None:
    op.drop_table('public_version')
