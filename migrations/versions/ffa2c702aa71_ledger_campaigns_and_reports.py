"""ledger, campaigns and reports

Revision ID: ffa2c702aa71
Revises: 
Create Date: 2026-11-27 21:00:34.728080
"""
from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = 'ffa2c702aa71'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=True),
    sa.Column('inspecting_body', sa.String(length=200), nullable=True),
    sa.Column('inspection_start', sa.Date(), nullable=True),
    sa.Column('inspection_end', sa.Date(), nullable=True),
    sa.Column('feedback_date', sa.Date(), nullable=False),
    sa.Column('contact_phone', sa.String(length=50), nullable=True),
    sa.Column('contact_address', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.Column('data_version', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('slug', name=op.f('uq_campaign_slug'))
    )
    op.create_table('category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_category_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category')),
    sa.UniqueConstraint('campaign_id', 'title', name=op.f('uq_category_campaign_id_title'))
    )
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('progress_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('published_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=True),
    sa.Column('unrepaired_count', sa.Integer(), nullable=False),
    sa.Column('declared', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_progress_report_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_report'))
    )
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_report_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('deadline_label', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('lead_leader', sa.String(length=200), nullable=True),
    sa.Column('departments', sa.Text(), nullable=True),
    sa.Column('goal', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_problem_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_problem_category_id_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem')),
    sa.UniqueConstraint('campaign_id', 'number', name=op.f('uq_problem_campaign_id_number'))
    )
    with op.batch_alter_table('problem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problem_category_id'), ['category_id'], unique=False)

    op.create_table('measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('progress_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_measure_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_measure_problem_id_problem')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure')),
    sa.UniqueConstraint('campaign_id', 'code', name=op.f('uq_measure_campaign_id_code'))
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_problem_id'), ['problem_id'], unique=False)

    op.create_table('measure_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_update_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_update'))
    )
    with op.batch_alter_table('measure_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_update_measure_id'), ['measure_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('measure_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_update_measure_id'))

    op.drop_table('measure_update')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_problem_id'))
        batch_op.drop_index(batch_op.f('ix_measure_campaign_id'))

    op.drop_table('measure')
    with op.batch_alter_table('problem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_category_id'))
        batch_op.drop_index(batch_op.f('ix_problem_campaign_id'))

    op.drop_table('problem')
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_report_campaign_id'))

    op.drop_table('progress_report')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_campaign_id'))

    op.drop_table('category')
    op.drop_table('campaign')
