"""page captures of flagged posts, and export jobs asked for in the web app

Revision ID: 0008
Revises: 0006

`page_captures`: one row per post whose page was captured (or whose capture failed and waits
for its next attempt); the PNG and PDF themselves are the post's snapshots. `export_jobs`: the
web app's background exports with their progress.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'page_captures',
        sa.Column('post_id', Id, nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('next_attempt_at', When, nullable=True),
        sa.Column('updated_at', When, nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name='fk_page_captures_post_id_posts',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('post_id', name='pk_page_captures'),
    )
    op.create_table(
        'export_jobs',
        sa.Column('id', Id, nullable=False),
        sa.Column('owner', sa.String(200), nullable=False),
        sa.Column('format', sa.String(16), nullable=False),
        sa.Column('filter', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(200), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', When, nullable=False),
        sa.Column('finished_at', When, nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_export_jobs'),
    )


def downgrade() -> None:
    op.drop_table('export_jobs')
    op.drop_table('page_captures')
