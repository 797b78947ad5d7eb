"""what readers of every format record

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:41:17.991587
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('format', sqlmodel.sql.sqltypes.AutoString(length=16), server_default='text', nullable=False))
        batch_op.add_column(sa.Column('part', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('collection', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('authors', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('date', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('anchors', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('problems', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('meta', sa.JSON(), server_default='{}', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_column('meta')
        batch_op.drop_column('problems')
        batch_op.drop_column('anchors')
        batch_op.drop_column('date')
        batch_op.drop_column('authors')
        batch_op.drop_column('collection')
        batch_op.drop_column('part')
        batch_op.drop_column('format')

