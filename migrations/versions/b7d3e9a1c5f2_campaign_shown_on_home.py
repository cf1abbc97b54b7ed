"""rectification office: campaign.shown_on_home (the campaign it chose for the public home page); progress_update
and progress_evidence (a department's update of a measure with its files, approved or returned by the office)

Revision ID: b7d3e9a1c5f2
Revises: b8e2f4a6c0d1
Create Date: 2026-12-05 07:55:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = 'b7d3e9a1c5f2'
down_revision = 'b8e2f4a6c0d1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown_on_home', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('progress_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('progress_note', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_progress_update_author_id_staff_user')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                            name=op.f('fk_progress_update_department_id_department')),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_progress_update_measure_id_measure'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['staff_user.id'], name=op.f('fk_progress_update_reviewer_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_update'))
    )
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_update_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_update_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_update_state'), ['state'], unique=False)

    op.create_table('progress_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['update_id'], ['progress_update.id'],
                            name=op.f('fk_progress_evidence_update_id_progress_update'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_evidence')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_progress_evidence_stored_name'))
    )
    with op.batch_alter_table('progress_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_evidence_update_id'), ['update_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('progress_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_evidence_update_id'))
    op.drop_table('progress_evidence')
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_update_state'))
        batch_op.drop_index(batch_op.f('ix_progress_update_measure_id'))
        batch_op.drop_index(batch_op.f('ix_progress_update_department_id'))
    op.drop_table('progress_update')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('shown_on_home')
