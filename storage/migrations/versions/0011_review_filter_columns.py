"""queue filter columns on reviews: platform, source, region, posted_at, author and predicted
category copied from the post and its newest score, with an index per filter

Revision ID: 0011
Revises: 0008

The web queue filters and the dashboard group by what lives on the post (platform, source,
region, date, author) and its newest score (predicted category). With copies on the review row,
a filtered page walks one (status, column, priority desc, id) index and reads only its rows, and
the dashboard groups review rows without joining a million posts. storage/review_columns.py keeps
the copies in step on every write that changes them (a new queue item, a new score, a post's
region or date changed); this migration fills them for the rows that exist.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

COLUMNS = [
    ('platform', sa.String(32)),
    ('source_id', Id),
    ('region', sa.String(200)),
    ('posted_at', sa.DateTime(timezone=True)),
    ('author_id', Id),
    ('predicted_category', sa.String(40)),
]
FILTERS = ['platform', 'source_id', 'region', 'predicted_category']

BACKFILL = (
    "UPDATE reviews SET "
    "platform = (SELECT p.platform FROM posts p WHERE p.id = reviews.post_id), "
    "source_id = (SELECT p.source_id FROM posts p WHERE p.id = reviews.post_id), "
    "region = (SELECT p.region FROM posts p WHERE p.id = reviews.post_id), "
    "posted_at = (SELECT p.posted_at FROM posts p WHERE p.id = reviews.post_id), "
    "author_id = (SELECT p.author_id FROM posts p WHERE p.id = reviews.post_id), "
    "predicted_category = (SELECT s.category FROM scores s WHERE s.post_id = reviews.post_id "
    "ORDER BY s.id DESC LIMIT 1)"
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column('reviews', sa.Column(name, kind, nullable=True))
    op.execute(BACKFILL)
    for name in FILTERS:
        op.create_index(f'ix_reviews_status_{name}_priority_desc_id', 'reviews',
                        ['status', name, sa.text('priority DESC'), 'id'])
    op.create_index('ix_reviews_status_posted_at', 'reviews', ['status', 'posted_at'])
    op.create_index('ix_reviews_priority_desc_id', 'reviews', [sa.text('priority DESC'), 'id'])
    op.create_index('ix_reviews_author_id_status', 'reviews', ['author_id', 'status'])
    op.create_index('ix_reviews_status_created_at', 'reviews', ['status', 'created_at'])
    op.create_index('ix_reviews_status_category', 'reviews', ['status', 'category'])
    op.execute('ANALYZE reviews')  # the planner's statistics for the new indexes


def downgrade() -> None:
    op.drop_index('ix_reviews_status_category', table_name='reviews')
    op.drop_index('ix_reviews_status_created_at', table_name='reviews')
    op.drop_index('ix_reviews_author_id_status', table_name='reviews')
    op.drop_index('ix_reviews_priority_desc_id', table_name='reviews')
    op.drop_index('ix_reviews_status_posted_at', table_name='reviews')
    for name in FILTERS:
        op.drop_index(f'ix_reviews_status_{name}_priority_desc_id', table_name='reviews')
    # ALTER TABLE … DROP COLUMN in place (SQLite ≥ 3.35): a batch copy of reviews would break
    # the full-text triggers that name it
    for name, _kind in reversed(COLUMNS):
        op.drop_column('reviews', name)
