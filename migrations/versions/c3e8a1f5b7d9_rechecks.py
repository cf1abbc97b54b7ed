"""回头看: re-checks of completed measures

Revision ID: c3e8a1f5b7d9
Revises: b7d3e9f1a2c6
Create Date: 2026-12-05 09:00:00
"""
import sqlalchemy as sa
from alembic import op

from portal.models.base import UTCDateTime

revision = 'c3e8a1f5b7d9'
down_revision = 'b7d3e9f1a2c6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'recheck',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('scheduled_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('scheduled_by', sa.String(length=200), nullable=False),
        sa.Column('result', sa.String(length=16), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('recorded_by', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_recheck_campaign_id_campaign'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_recheck_measure_id_measure'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recheck')),
    )
    op.create_index(op.f('ix_recheck_campaign_id'), 'recheck', ['campaign_id'], unique=False)
    op.create_index(op.f('ix_recheck_measure_id'), 'recheck', ['measure_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_recheck_measure_id'), table_name='recheck')
    op.drop_index(op.f('ix_recheck_campaign_id'), table_name='recheck')
    op.drop_table('recheck')
