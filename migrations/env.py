"""Alembic environment: migrations run over the connection the `flask db` command hands in."""
from alembic import context

from portal.models import Base
from portal.models.base import created_on

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=lambda item, name, kind, reflected, compare_to: created_on(item, connection.dialect.name),
)
with context.begin_transaction():
    context.run_migrations()
