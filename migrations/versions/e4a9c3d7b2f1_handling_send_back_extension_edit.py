"""handling: send-backs to triage, extension requests, the reviewer's edits of reply drafts

Revision ID: e4a9c3d7b2f1
Revises: e4a9c1f7b2d8
Create Date: 2026-12-05 05:00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = 'e4a9c3d7b2f1'
down_revision = 'e4a9c1f7b2d8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('item_send_back',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                            name=op.f('fk_item_send_back_department_id_department')),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_item_send_back_item_id_feedback_item'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['staff_user.id'], name=op.f('fk_item_send_back_sent_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_send_back'))
    )
    with op.batch_alter_table('item_send_back', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_send_back_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_send_back_resolved_at'), ['resolved_at'], unique=False)

    op.create_table('extension_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'],
                            name=op.f('fk_extension_request_decided_by_id_staff_user')),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'],
                            name=op.f('fk_extension_request_item_id_feedback_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff_user.id'],
                            name=op.f('fk_extension_request_requested_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_request'))
    )
    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_request_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_extension_request_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_extension_request_status'), ['status'], unique=False)

    op.create_table('reply_edit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=False),
    sa.Column('edited_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.Column('seen_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['editor_id'], ['staff_user.id'], name=op.f('fk_reply_edit_editor_id_staff_user')),
    sa.ForeignKeyConstraint(['reply_id'], ['reply.id'], name=op.f('fk_reply_edit_reply_id_reply'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_edit'))
    )
    with op.batch_alter_table('reply_edit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_edit_reply_id'), ['reply_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_edit_seen_at'), ['seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reply_edit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_edit_seen_at'))
        batch_op.drop_index(batch_op.f('ix_reply_edit_reply_id'))
    op.drop_table('reply_edit')
    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extension_request_status'))
        batch_op.drop_index(batch_op.f('ix_extension_request_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_extension_request_item_id'))
    op.drop_table('extension_request')
    with op.batch_alter_table('item_send_back', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_send_back_resolved_at'))
        batch_op.drop_index(batch_op.f('ix_item_send_back_item_id'))
    op.drop_table('item_send_back')
