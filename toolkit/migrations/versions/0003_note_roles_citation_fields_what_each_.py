"""note roles, citation fields, what each citation reaches

Stores made before this revision get their `reach` rows worked out here, by the
rule the views of release 0.1.0 used (an archival citation reaches its own
references; an Ibid. every reference of the note it names; a short form those of
the citation it names), so inspect, export and audit find what they found before.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:01:43.151897
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reach',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('footnote_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('citation_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('archive', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('series', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('volume', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('repository', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['citation_id'], ['citation.id'], ),
    sa.ForeignKeyConstraint(['footnote_id'], ['footnote.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reach', schema=None) as batch_op:
        batch_op.create_index('ix_reach_archive_series', ['archive', 'series'], unique=False)
        batch_op.create_index(batch_op.f('ix_reach_citation_id'), ['citation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reach_footnote_id'), ['footnote_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reach_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('archival_reference', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), server_default='archival', nullable=False))
        batch_op.add_column(sa.Column('repository', sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolves_to_document', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('repository', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('collection_or_series', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('item', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('year', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('pages', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('csl', sa.JSON(), nullable=True))

    with op.batch_alter_table('footnote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))

    _backfill_reach()


def _backfill_reach() -> None:
    bind = op.get_bind()
    footnotes = {(v, seq): fid for fid, v, seq in bind.execute(sa.text("SELECT id, version_id, seq FROM footnote"))}
    version_of = {fid: v for (v, _), fid in footnotes.items()}
    citations = list(bind.execute(sa.text(
        "SELECT id, footnote_id, seq, kind, resolves_to, resolves_to_citation FROM citation")))
    by_seq = {(c.footnote_id, c.seq): c.id for c in citations}
    refs: dict[str, list] = {}
    for r in bind.execute(sa.text("SELECT citation_id, footnote_id, archive, series, volume, item, raw "
                                  "FROM archival_reference WHERE citation_id IS NOT NULL ORDER BY id")):
        refs.setdefault(r.citation_id, []).append(r)
    of_note: dict[str, list] = {}
    for c in citations:
        of_note.setdefault(c.footnote_id, []).extend(refs.get(c.id, []))
    rows = []
    for c in citations:
        if c.kind == "archival":
            reached = refs.get(c.id, [])
        elif c.kind == "ibid" and c.resolves_to is not None:
            target = footnotes.get((version_of[c.footnote_id], c.resolves_to))
            reached = of_note.get(target, []) if target else []
        elif c.kind == "short-form" and c.resolves_to is not None and c.resolves_to_citation is not None:
            target = footnotes.get((version_of[c.footnote_id], c.resolves_to))
            reached = refs.get(by_seq.get((target, c.resolves_to_citation), ""), []) if target else []
        else:
            reached = []
        rows += [{"version_id": version_of[c.footnote_id], "footnote_id": c.footnote_id, "citation_id": c.id,
                  "archive": r.archive, "series": r.series, "volume": r.volume, "item": r.item,
                  "kind": "archival", "repository": None, "raw": r.raw} for r in reached]
    if rows:
        reach = sa.table("reach", *(sa.column(k) for k in rows[0]))
        op.bulk_insert(reach, rows)



def downgrade() -> None:
    with op.batch_alter_table('footnote', schema=None) as batch_op:
        batch_op.drop_column('role')

    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.drop_column('csl')
        batch_op.drop_column('pages')
        batch_op.drop_column('year')
        batch_op.drop_column('item')
        batch_op.drop_column('unit')
        batch_op.drop_column('collection_or_series')
        batch_op.drop_column('repository')
        batch_op.drop_column('resolves_to_document')

    with op.batch_alter_table('archival_reference', schema=None) as batch_op:
        batch_op.drop_column('repository')
        batch_op.drop_column('kind')

    with op.batch_alter_table('reach', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reach_version_id'))
        batch_op.drop_index(batch_op.f('ix_reach_footnote_id'))
        batch_op.drop_index(batch_op.f('ix_reach_citation_id'))
        batch_op.drop_index('ix_reach_archive_series')

    op.drop_table('reach')
