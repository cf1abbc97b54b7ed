"""follow by e-mail: subscriptions (double opt-in), the events followers hear of, and one delivery per follower and event

Revision ID: b7d3e9f1a2c6
Revises: f1c5a8e2d9b4
Create Date: 2026-12-05 07:45:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = 'b7d3e9f1a2c6'
down_revision = 'f1c5a8e2d9b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('follow_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('measure_id', sa.Integer(), nullable=True),
    sa.Column('target_key', sa.String(length=32), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_digest_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('digested_until', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_follow_subscription_campaign_id_campaign'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_follow_subscription_measure_id_measure'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_follow_subscription_problem_id_problem'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_subscription')),
    sa.UniqueConstraint('email', 'target_key', name=op.f('uq_follow_subscription_email_target_key'))
    )
    with op.batch_alter_table('follow_subscription', schema=None) as batch_op:
        for column in ('email', 'campaign_id', 'problem_id', 'measure_id', 'state', 'next_digest_at'):
            batch_op.create_index(batch_op.f(f'ix_follow_subscription_{column}'), [column], unique=False)

    op.create_table('follow_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('measure_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_follow_event_campaign_id_campaign'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_follow_event_measure_id_measure'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_follow_event_problem_id_problem'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_event'))
    )
    with op.batch_alter_table('follow_event', schema=None) as batch_op:
        for column in ('created_at', 'campaign_id', 'problem_id', 'measure_id', 'state'):
            batch_op.create_index(batch_op.f(f'ix_follow_event_{column}'), [column], unique=False)

    op.create_table('follow_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['follow_event.id'], name=op.f('fk_follow_delivery_event_id_follow_event'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_message.id'],
                            name=op.f('fk_follow_delivery_outbox_message_id_outbox_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subscription_id'], ['follow_subscription.id'],
                            name=op.f('fk_follow_delivery_subscription_id_follow_subscription'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_delivery')),
    sa.UniqueConstraint('subscription_id', 'event_id', name=op.f('uq_follow_delivery_subscription_id_event_id'))
    )
    with op.batch_alter_table('follow_delivery', schema=None) as batch_op:
        for column in ('event_id', 'outbox_message_id'):
            batch_op.create_index(batch_op.f(f'ix_follow_delivery_{column}'), [column], unique=False)


def downgrade() -> None:
    op.drop_table('follow_delivery')
    op.drop_table('follow_event')
    op.drop_table('follow_subscription')
