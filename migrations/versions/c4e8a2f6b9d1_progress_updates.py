"""progress_update: a department's update of a measure, approved or returned by the rectification office

Revision ID: c4e8a2f6b9d1
Revises: b7d3e9a1c5f2
Create Date: 2026-12-05 08:25:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = 'c4e8a2f6b9d1'
down_revision = 'b7d3e9a1c5f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_progress_update_department_id_department')),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_progress_update_measure_id_measure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['staff_user.id'], name=op.f('fk_progress_update_reviewer_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_update'))
    )
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_update_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_update_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_update_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_update_state'))
        batch_op.drop_index(batch_op.f('ix_progress_update_measure_id'))
        batch_op.drop_index(batch_op.f('ix_progress_update_department_id'))
    op.drop_table('progress_update')
