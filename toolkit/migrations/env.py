"""Alembic's environment for the toolkit's store.

The toolkit runs migrations itself (`toolkit.store.migrate`), handing Alembic an
open connection in ``config.attributes["connection"]``; nothing here reads
alembic.ini or the environment.
"""

from alembic import context
from sqlmodel import SQLModel

from toolkit import models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata
connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    # SQLite cannot ALTER most things: batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
