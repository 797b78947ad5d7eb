"""the store of release 0.1.0

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 10:41:03.648873
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('doccano_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('remote_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url', 'name')
    )
    op.create_table('document',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('source_path', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_source_path'), ['source_path'], unique=True)

    op.create_table('document_version',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source_path', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_bytes', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('pages', sa.JSON(), nullable=False),
    sa.Column('offsets', sa.JSON(), nullable=False),
    sa.Column('paragraphs', sa.JSON(), nullable=False),
    sa.Column('sentences', sa.JSON(), nullable=False),
    sa.Column('repairs', sa.JSON(), nullable=False),
    sa.Column('file_numbers', sa.JSON(), nullable=False),
    sa.Column('ingested_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'version')
    )
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_version_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_version_sha256'), ['sha256'], unique=True)

    op.create_table('guideline_push',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pushed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['doccano_project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('guideline_push', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guideline_push_project_id'), ['project_id'], unique=False)

    op.create_table('claim',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('version_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('source_start', sa.Integer(), nullable=False),
    sa.Column('source_end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('annotator', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('guidelines_version', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('doccano_project_id', sa.Integer(), nullable=True),
    sa.Column('doccano_example_id', sa.Integer(), nullable=True),
    sa.Column('doccano_span_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['doccano_project_id'], ['doccano_project.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index('ix_claim_version_origin', ['version_id', 'origin'], unique=False)

    op.create_table('doccano_example',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('remote_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('signature', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('pushed_at', sa.DateTime(), nullable=False),
    sa.Column('pulled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['doccano_project.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'remote_id')
    )
    with op.batch_alter_table('doccano_example', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_doccano_example_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_doccano_example_version_id'), ['version_id'], unique=False)

    op.create_table('footnote',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('version_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('marker_printed', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('marker_style', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('marker_start', sa.Integer(), nullable=True),
    sa.Column('marker_end', sa.Integer(), nullable=True),
    sa.Column('marker_source_start', sa.Integer(), nullable=True),
    sa.Column('marker_source_end', sa.Integer(), nullable=True),
    sa.Column('page', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('note_text', sa.Text(), nullable=True),
    sa.Column('note_source_start', sa.Integer(), nullable=True),
    sa.Column('note_source_end', sa.Integer(), nullable=True),
    sa.Column('note_offsets', sa.JSON(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version_id', 'seq')
    )
    with op.batch_alter_table('footnote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_footnote_version_id'), ['version_id'], unique=False)

    op.create_table('push_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('suggested', sa.Boolean(), nullable=False),
    sa.Column('pushed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['doccano_project.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'version_id')
    )
    with op.batch_alter_table('push_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_record_project_id'), ['project_id'], unique=False)

    op.create_table('citation',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=90), nullable=False),
    sa.Column('footnote_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('signal', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('locator', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('resolves_to', sa.Integer(), nullable=True),
    sa.Column('resolves_to_citation', sa.Integer(), nullable=True),
    sa.Column('chain', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['footnote_id'], ['footnote.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citation_footnote_id'), ['footnote_id'], unique=False)

    op.create_table('evidence_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('footnote_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('stance', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('doccano_relation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ),
    sa.ForeignKeyConstraint(['footnote_id'], ['footnote.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('claim_id', 'footnote_id')
    )
    with op.batch_alter_table('evidence_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_link_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_link_footnote_id'), ['footnote_id'], unique=False)

    op.create_table('archival_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('footnote_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('citation_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('archive', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('series', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('volume', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('pattern', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['citation_id'], ['citation.id'], ),
    sa.ForeignKeyConstraint(['footnote_id'], ['footnote.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('archival_reference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archival_reference_footnote_id'), ['footnote_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archival_reference_version_id'), ['version_id'], unique=False)
        batch_op.create_index('ix_reference_archive_series', ['archive', 'series'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('archival_reference', schema=None) as batch_op:
        batch_op.drop_index('ix_reference_archive_series')
        batch_op.drop_index(batch_op.f('ix_archival_reference_version_id'))
        batch_op.drop_index(batch_op.f('ix_archival_reference_footnote_id'))

    op.drop_table('archival_reference')
    with op.batch_alter_table('evidence_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_link_footnote_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_link_claim_id'))

    op.drop_table('evidence_link')
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citation_footnote_id'))

    op.drop_table('citation')
    with op.batch_alter_table('push_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_record_project_id'))

    op.drop_table('push_record')
    with op.batch_alter_table('footnote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_footnote_version_id'))

    op.drop_table('footnote')
    with op.batch_alter_table('doccano_example', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_doccano_example_version_id'))
        batch_op.drop_index(batch_op.f('ix_doccano_example_project_id'))

    op.drop_table('doccano_example')
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_version_origin')

    op.drop_table('claim')
    with op.batch_alter_table('guideline_push', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guideline_push_project_id'))

    op.drop_table('guideline_push')
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_version_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_version_document_id'))

    op.drop_table('document_version')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_source_path'))

    op.drop_table('document')
    op.drop_table('doccano_project')
