"""feedback intake, staff, audit

Revision ID: 3164b168ae23
Revises: ffa2c702aa71
Create Date: 2026-11-27 21:07:43.615281
"""
from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = '3164b168ae23'
down_revision = 'ffa2c702aa71'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('name', name=op.f('uq_department_name'))
    )
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_ip'), ['ip'], unique=False)

    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_staff_user_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_user_email'))
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_user_department_id'), ['department_id'], unique=False)

    op.create_table('feedback_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=32), nullable=True),
    sa.Column('query_code_hash', sa.String(length=64), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('received_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accept_due', sa.Date(), nullable=False),
    sa.Column('accepted_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handle_due', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('extension_days', sa.Integer(), nullable=True),
    sa.Column('extension_approver', sa.String(length=100), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('replied_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('transferred_to', sa.String(length=200), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('wants_reply', sa.Boolean(), nullable=False),
    sa.Column('consent_publish', sa.Boolean(), nullable=False),
    sa.Column('needs_attention', sa.Boolean(), nullable=False),
    sa.Column('call_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('call_duration_seconds', sa.Integer(), nullable=True),
    sa.Column('phone_line', sa.String(length=32), nullable=True),
    sa.Column('postmark_date', sa.Date(), nullable=True),
    sa.Column('logged_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_feedback_item_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_feedback_item_department_id_department')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['feedback_item.id'], name=op.f('fk_feedback_item_duplicate_of_id_feedback_item')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['staff_user.id'], name=op.f('fk_feedback_item_logged_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_item')),
    sa.UniqueConstraint('case_number', name=op.f('uq_feedback_item_case_number'))
    )
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_item_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_item_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_item_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_item_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_item_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_item_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_item_state'), ['state'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_attachment_item_id_feedback_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_item_id'), ['item_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_user.id'], name=op.f('fk_audit_event_actor_id_staff_user')),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_audit_event_item_id_feedback_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_item_id'), ['item_id'], unique=False)

    op.create_table('feedback_contact',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('anonymised_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_feedback_contact_item_id_feedback_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_feedback_contact'))
    )
    with op.batch_alter_table('feedback_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_contact_email'), ['email'], unique=False)

    op.create_table('feedback_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_feedback_note_author_id_staff_user')),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_feedback_note_item_id_feedback_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_note'))
    )
    with op.batch_alter_table('feedback_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_note_item_id'), ['item_id'], unique=False)

    op.create_table('reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approver_id'], ['staff_user.id'], name=op.f('fk_reply_approver_id_staff_user')),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_reply_author_id_staff_user')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_reply_department_id_department')),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_reply_item_id_feedback_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply'))
    )
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_item_id'), ['item_id'], unique=False)

    op.create_table('feedback_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=True),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(measure_id IS NULL) <> (problem_id IS NULL)', name=op.f('ck_feedback_link_one_target')),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_feedback_link_item_id_feedback_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_feedback_link_measure_id_measure')),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_feedback_link_problem_id_problem')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_link'))
    )
    with op.batch_alter_table('feedback_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_link_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_link_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_link_problem_id'), ['problem_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('feedback_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_link_problem_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_link_measure_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_link_item_id'))

    op.drop_table('feedback_link')
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_item_id'))

    op.drop_table('reply')
    with op.batch_alter_table('feedback_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_note_item_id'))

    op.drop_table('feedback_note')
    with op.batch_alter_table('feedback_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_contact_email'))

    op.drop_table('feedback_contact')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_item_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_item_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_item_state'))
        batch_op.drop_index(batch_op.f('ix_feedback_item_received_at'))
        batch_op.drop_index(batch_op.f('ix_feedback_item_kind'))
        batch_op.drop_index(batch_op.f('ix_feedback_item_due_date'))
        batch_op.drop_index(batch_op.f('ix_feedback_item_department_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_item_channel'))
        batch_op.drop_index(batch_op.f('ix_feedback_item_campaign_id'))

    op.drop_table('feedback_item')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_user_department_id'))

    op.drop_table('staff_user')
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_ip'))
        batch_op.drop_index(batch_op.f('ix_login_failure_at'))

    op.drop_table('login_failure')
    op.drop_table('department')
