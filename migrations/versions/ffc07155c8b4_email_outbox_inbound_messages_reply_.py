"""email: outbox, inbound messages, reply drafts and templates, follow-ups

Revision ID: ffc07155c8b4
Revises: 3164b168ae23
Create Date: 2026-11-27 22:04:12.228840
"""
from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = 'ffc07155c8b4'
down_revision = '3164b168ae23'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reply_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_template')),
    sa.UniqueConstraint('title', name=op.f('uq_reply_template_title'))
    )
    op.create_table('inbound_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('message_id', sa.String(length=998), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('from_address', sa.String(length=254), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_inbound_message_item_id_feedback_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_message')),
    sa.UniqueConstraint('message_id', name=op.f('uq_inbound_message_message_id'))
    )
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_message_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_message_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_message_received_at'), ['received_at'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('in_reply_to', sa.String(length=998), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_outbox_message_item_id_feedback_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_message_id'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_status'), ['status'], unique=False)

    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('inbound_id', sa.Integer(), nullable=True),
    sa.Column('received_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['inbound_id'], ['inbound_message.id'], name=op.f('fk_follow_up_inbound_id_inbound_message')),
    sa.ForeignKeyConstraint(['item_id'], ['feedback_item.id'], name=op.f('fk_follow_up_item_id_feedback_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_item_id'), ['item_id'], unique=False)

    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='sent'))
        batch_op.add_column(sa.Column('review_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', portal.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('approved_at', portal.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('public_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('publish_status', sa.String(length=16), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('published_at', portal.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reply_publish_status'), ['publish_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_status'), ['status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reply_published_by_id_staff_user'), 'staff_user', ['published_by_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reply_published_by_id_staff_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reply_status'))
        batch_op.drop_index(batch_op.f('ix_reply_published_at'))
        batch_op.drop_index(batch_op.f('ix_reply_publish_status'))
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('published_at')
        batch_op.drop_column('publish_status')
        batch_op.drop_column('public_text')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('review_comment')
        batch_op.drop_column('status')

    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_item_id'))

    op.drop_table('follow_up')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_status'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_item_id'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_message_received_at'))
        batch_op.drop_index(batch_op.f('ix_inbound_message_outcome'))
        batch_op.drop_index(batch_op.f('ix_inbound_message_item_id'))

    op.drop_table('inbound_message')
    op.drop_table('reply_template')
