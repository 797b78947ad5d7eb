"""teams: assignments, who made each link, done examples, gold

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:07:23.684319
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('annotator', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project', 'annotator', 'version_id')
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_project'), ['project'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_suggestion', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('adjudicated_from', sa.JSON(), server_default='[]', nullable=False))

    with op.batch_alter_table('doccano_example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('evidence_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('annotator', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('evidence_link', schema=None) as batch_op:
        batch_op.drop_column('created_at')
        batch_op.drop_column('annotator')

    with op.batch_alter_table('doccano_example', schema=None) as batch_op:
        batch_op.drop_column('done')

    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_column('adjudicated_from')
        batch_op.drop_column('accepted_suggestion')

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_version_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_project'))

    op.drop_table('assignment')
