"""进展通报草稿: reports checked in the browser before publication

Revision ID: d9f3b5a7c1e4
Revises: b7d3e9a1c5f2
Create Date: 2026-12-05 11:00:00
"""
import sqlalchemy as sa
from alembic import op

from portal.models.base import UTCDateTime

revision = 'd9f3b5a7c1e4'
down_revision = 'b7d3e9a1c5f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=True),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('source_text', sa.Text(), nullable=False),
        sa.Column('source_name', sa.String(length=255), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_report_draft_campaign_id_campaign'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'],
                                name=op.f('fk_report_draft_created_by_id_staff_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_draft')),
    )
    op.create_index(op.f('ix_report_draft_campaign_id'), 'report_draft', ['campaign_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_report_draft_campaign_id'), table_name='report_draft')
    op.drop_table('report_draft')
