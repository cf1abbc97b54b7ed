"""reply attachments: files a department sends with its answer, and the copies an outgoing email carries

Revision ID: f1c5a8e2d9b4
Revises: e4a9c3d7b2f1
Create Date: 2026-12-05 05:20:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = 'f1c5a8e2d9b4'
down_revision = 'e4a9c3d7b2f1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reply_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['reply_id'], ['reply.id'], name=op.f('fk_reply_attachment_reply_id_reply'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['staff_user.id'],
                            name=op.f('fk_reply_attachment_uploaded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_reply_attachment_stored_name'))
    )
    with op.batch_alter_table('reply_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_attachment_reply_id'), ['reply_id'], unique=False)

    op.create_table('outbox_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'],
                            name=op.f('fk_outbox_attachment_message_id_outbox_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachment'))
    )
    with op.batch_alter_table('outbox_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_attachment_message_id'), ['message_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_attachment_message_id'))
    op.drop_table('outbox_attachment')
    with op.batch_alter_table('reply_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_attachment_reply_id'))
    op.drop_table('reply_attachment')
