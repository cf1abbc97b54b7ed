"""staff queue and item page at a million items: the queue's order within a state and within a department's state;
an item's duplicates

Revision ID: e7b1c4a9d2f6
Revises: d5f2a8c4e1b7
Create Date: 2026-12-05 11:40:00

A state tab (and each state's count) reads ix_feedback_item_queue_state in the queue's default order (due date, none
last, then received, then id) and stops after a page; a department's queue, its tabs and a handler's queue read
ix_feedback_item_queue_department the same way. Before them a closed tab walked the due-date index past every item
with a due date, and a department's counts read the whole statistics index; the item page's list of the item's
duplicates read the whole table (bench/RESULTS.md, "Large data").
"""
from alembic import op

revision = 'e7b1c4a9d2f6'
down_revision = 'd5f2a8c4e1b7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_item_queue_state', ['state', 'due_date', 'received_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_feedback_item_queue_department',
                              ['department_id', 'state', 'due_date', 'received_at', 'id'], unique=False)
        batch_op.create_index('ix_feedback_item_duplicate_of_id', ['duplicate_of_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_item_duplicate_of_id')
        batch_op.drop_index('ix_feedback_item_queue_department')
        batch_op.drop_index('ix_feedback_item_queue_state')
