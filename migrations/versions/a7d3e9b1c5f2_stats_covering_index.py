"""statistics: a covering index of a campaign's items by received date, read index-only by /staff/stats and the 通报

Revision ID: a7d3e9b1c5f2
Revises: c3e8a1f5b7d9
Create Date: 2026-12-05 08:00:00

"""
from alembic import op

revision = 'a7d3e9b1c5f2'
down_revision = 'c3e8a1f5b7d9'
branch_labels = None
depends_on = None

#: portal.models.feedback.STATS_COLUMNS when this revision was written
STATS_COLUMNS = ["id", "state", "department_id", "channel", "kind", "accepted_at", "closed_at", "replied_at",
                 "accept_due", "handle_due", "due_date", "extension_days"]


def upgrade() -> None:
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_item_stats', ['campaign_id', 'received_at'], unique=False,
                              postgresql_include=STATS_COLUMNS)


def downgrade() -> None:
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_item_stats')
