"""回头看 evidence: files recorded with a re-check's result

Revision ID: d5f2a8c4e1b7
Revises: d9f3b5a7c1e4
Create Date: 2026-12-05 10:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd5f2a8c4e1b7'
down_revision = 'd9f3b5a7c1e4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'recheck_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recheck_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['recheck_id'], ['recheck.id'], name=op.f('fk_recheck_evidence_recheck_id_recheck'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recheck_evidence')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_recheck_evidence_stored_name')),
    )
    op.create_index(op.f('ix_recheck_evidence_recheck_id'), 'recheck_evidence', ['recheck_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_recheck_evidence_recheck_id'), table_name='recheck_evidence')
    op.drop_table('recheck_evidence')
