"""queue and list indexes: reviews by (status, priority desc, id) and (status, decided_at),
scores by (post_id, id), posts by author_id

Revision ID: 0006
Revises: 0002

Indexes only: a post's current score is found by probing scores (post_id, id), so there is no
denormalised column to keep in step and nothing to backfill beyond building the indexes over
the rows that exist (CREATE INDEX reads them all, on SQLite and PostgreSQL alike).
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_reviews_status_priority_id', table_name='reviews')
    op.create_index('ix_reviews_status_priority_desc_id', 'reviews',
                    ['status', sa.text('priority DESC'), 'id'])
    op.create_index('ix_reviews_status_decided_at', 'reviews', ['status', 'decided_at'])
    op.create_index('ix_scores_post_id_id', 'scores', ['post_id', 'id'])
    op.create_index('ix_posts_author_id', 'posts', ['author_id'])


def downgrade() -> None:
    op.drop_index('ix_posts_author_id', table_name='posts')
    op.drop_index('ix_scores_post_id_id', table_name='scores')
    op.drop_index('ix_reviews_status_decided_at', table_name='reviews')
    op.drop_index('ix_reviews_status_priority_desc_id', table_name='reviews')
    op.create_index('ix_reviews_status_priority_id', 'reviews', ['status', 'priority', 'id'])
