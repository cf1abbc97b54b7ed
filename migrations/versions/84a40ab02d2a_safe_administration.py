"""safe administration: departments can be deactivated and keep former names as aliases (a ledger naming one does
not create it again); one-time account links (invitation, reset) stored hashed; accounts with a generated password
must change it

Revision ID: 84a40ab02d2a
Revises: c3f1b7d9e2a4
Create Date: 2026-12-05 02:04:01.926943
"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


revision = '84a40ab02d2a'
down_revision = 'c3f1b7d9e2a4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('department_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_department_alias_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_alias')),
    sa.UniqueConstraint('name', name=op.f('uq_department_alias_name'))
    )
    with op.batch_alter_table('department_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_alias_department_id'), ['department_id'], unique=False)

    op.create_table('account_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_account_token_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_token_token_hash'))
    )
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_token_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_column('active')

    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_token_user_id'))

    op.drop_table('account_token')
    with op.batch_alter_table('department_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_alias_department_id'))

    op.drop_table('department_alias')
