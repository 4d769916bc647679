"""web app: sessions, login attempts, holds, preferences, confidential reports, queue full text

Revision ID: 0005
Revises: 0002

Full-text search over the review queue's posts: on SQLite an FTS5 table with external content
(posts.text) that holds only posts with a review item (kept by triggers, so ingest of unflagged
posts pays nothing); on PostgreSQL a GIN index on to_tsvector('simple', text).
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
When = sa.DateTime(timezone=True)

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE posts_fts USING fts5(text, content='posts', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    # A post enters the index when it enters the review queue.
    "CREATE TRIGGER posts_fts_queue AFTER INSERT ON reviews BEGIN "
    "INSERT INTO posts_fts(rowid, text) SELECT id, text FROM posts WHERE id = new.post_id; END",
    "CREATE TRIGGER posts_fts_edit AFTER UPDATE OF text ON posts "
    "WHEN EXISTS (SELECT 1 FROM reviews WHERE post_id = old.id) BEGIN "
    "INSERT INTO posts_fts(posts_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO posts_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER posts_fts_gone BEFORE DELETE ON posts "
    "WHEN EXISTS (SELECT 1 FROM reviews WHERE post_id = old.id) BEGIN "
    "INSERT INTO posts_fts(posts_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "INSERT INTO posts_fts(rowid, text) SELECT p.id, p.text FROM posts p "
    "JOIN reviews r ON r.post_id = p.id",
]
POSTGRES_FTS = [
    "CREATE INDEX ix_posts_text_fts ON posts USING gin (to_tsvector('simple', text))",
]


def upgrade() -> None:
    op.create_table(
        'web_sessions',
        sa.Column('id', Id, nullable=False),
        sa.Column('token_sha256', sa.String(64), nullable=False),
        sa.Column('user_id', Id, nullable=False),
        sa.Column('csrf_token', sa.String(64), nullable=False),
        sa.Column('created_at', When, nullable=False),
        sa.Column('last_seen_at', When, nullable=False),
        sa.Column('expires_at', When, nullable=False),
        sa.Column('ended_at', When, nullable=True),
        sa.Column('end_reason', sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_web_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
        sa.UniqueConstraint('token_sha256', name=op.f('uq_web_sessions_token_sha256')),
    )
    op.create_index(op.f('ix_web_sessions_user_id'), 'web_sessions', ['user_id'])
    op.create_table(
        'login_attempts',
        sa.Column('id', Id, nullable=False),
        sa.Column('kind', sa.String(8), nullable=False),
        sa.Column('key', sa.String(200), nullable=False),
        sa.Column('at', When, nullable=False),
        sa.Column('succeeded', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts')),
    )
    op.create_index(op.f('ix_login_attempts_kind_key_at'), 'login_attempts', ['kind', 'key', 'at'])
    op.create_table(
        'review_holds',
        sa.Column('review_id', Id, nullable=False),
        sa.Column('user_id', Id, nullable=False),
        sa.Column('holder', sa.String(100), nullable=False),
        sa.Column('taken_at', When, nullable=False),
        sa.Column('expires_at', When, nullable=False),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], ondelete='CASCADE',
                                name=op.f('fk_review_holds_review_id_reviews')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_review_holds_user_id_users')),
        sa.PrimaryKeyConstraint('review_id', name=op.f('pk_review_holds')),
    )
    op.create_table(
        'user_preferences',
        sa.Column('user_id', Id, nullable=False),
        sa.Column('language', sa.String(8), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_user_preferences_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_preferences')),
    )
    op.create_table(
        'confidential_reports',
        sa.Column('id', Id, nullable=False),
        sa.Column('code_sha256', sa.String(64), nullable=False),
        sa.Column('received_on', When, nullable=False),
        sa.Column('instructed_by', sa.Text(), nullable=False),
        sa.Column('position', sa.Text(), nullable=False),
        sa.Column('occurred', sa.Text(), nullable=False),
        sa.Column('place', sa.Text(), nullable=False),
        sa.Column('what', sa.Text(), nullable=False),
        sa.Column('links', sa.Text(), nullable=False),
        sa.Column('attachment_name', sa.String(200), nullable=True),
        sa.Column('attachment_type', sa.String(100), nullable=True),
        sa.Column('attachment', sa.LargeBinary(), nullable=True),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('status_note', sa.Text(), nullable=True),
        sa.Column('updated_at', When, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_confidential_reports')),
        sa.UniqueConstraint('code_sha256', name=op.f('uq_confidential_reports_code_sha256')),
    )
    for statement in SQLITE_FTS if op.get_bind().dialect.name == 'sqlite' else POSTGRES_FTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('posts_fts_queue', 'posts_fts_edit', 'posts_fts_gone'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS posts_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_posts_text_fts")
    for table in ('confidential_reports', 'user_preferences', 'review_holds', 'login_attempts',
                  'web_sessions'):
        op.drop_table(table)
