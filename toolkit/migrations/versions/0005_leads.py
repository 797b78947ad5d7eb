"""leads: where citations lead (a citation resolved to a stored document)

Stores made before this revision get their leads at the next ingest, or with
`toolkit.leads.update_leads`.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:05:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citation_id', sqlmodel.sql.sqltypes.AutoString(length=90), nullable=False),
    sa.Column('version_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('how', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['citation_id'], ['citation.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('citation_id', 'version_id')
    )
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_citation_id'), ['citation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_version_id'), ['version_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_version_id'))
        batch_op.drop_index(batch_op.f('ix_lead_citation_id'))
    op.drop_table('lead')
