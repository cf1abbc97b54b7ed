"""the search words of each item (segmented subject and content), with a GIN index on PostgreSQL; existing items
backfilled in batches

Revision ID: c7e2f9a4b1d6
Revises: 84a40ab02d2a
Create Date: 2026-12-05 02:20:00.000000
"""
from alembic import op
import sqlalchemy as sa

from portal.models.base import WordList
from portal.services.feedback.search import item_words


revision = 'c7e2f9a4b1d6'
down_revision = '84a40ab02d2a'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_words', WordList(), nullable=True))
    connection = op.get_bind()
    items = sa.table('feedback_item', sa.column('id', sa.Integer()), sa.column('subject', sa.String()),
                     sa.column('content', sa.Text()), sa.column('search_words', WordList()))
    last = 0
    while True:
        rows = connection.execute(sa.select(items.c.id, items.c.subject, items.c.content)
                                  .where(items.c.id > last).order_by(items.c.id).limit(BATCH)).all()
        if not rows:
            break
        connection.execute(items.update().where(items.c.id == sa.bindparam('item_id'))
                           .values(search_words=sa.bindparam('words', type_=WordList())),
                           [{'item_id': id_, 'words': item_words(subject, content)} for id_, subject, content in rows])
        last = rows[-1][0]
    if connection.dialect.name == 'postgresql':
        op.create_index('ix_feedback_item_search_words', 'feedback_item', ['search_words'], unique=False,
                        postgresql_using='gin')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_feedback_item_search_words', table_name='feedback_item', postgresql_using='gin')
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_column('search_words')
