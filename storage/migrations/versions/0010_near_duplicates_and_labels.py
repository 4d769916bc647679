"""near-duplicate groups (posts.dup_group, post_bands) and the data team's labels

Revision ID: 0010
Revises: 0009

`posts.dup_group` names a post's group of near-duplicates (the id of its first member), NULL
while the post has none: singletons cost nothing and the index holds only grouped posts.
`post_bands` keeps each post's MinHash LSH band keys (storage/fingerprints.py) for candidate
look-ups. Existing posts are grouped by `pantau groups backfill`, not here: a migration must not
run for hours on a large database. `labels` holds every label ever given, newest current.
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    # ALTER TABLE in place (no batch copy: a copy of posts would break the full-text triggers
    # that name it; SQLite adds and, since 3.35, drops a column in place)
    op.add_column('posts', sa.Column('dup_group', Id, nullable=True))
    op.create_index('ix_posts_dup_group', 'posts', ['dup_group'])
    op.create_table(
        'post_bands',
        sa.Column('band', sa.BigInteger(), nullable=False),
        sa.Column('post_id', Id, nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], ondelete='CASCADE',
                                name=op.f('fk_post_bands_post_id_posts')),
        sa.PrimaryKeyConstraint('band', 'post_id', name=op.f('pk_post_bands')),
    )
    op.create_index('ix_post_bands_post_id', 'post_bands', ['post_id'])
    op.create_table(
        'labels',
        sa.Column('id', Id, nullable=False),
        sa.Column('post_id', Id, nullable=False),
        sa.Column('label', sa.SmallInteger(), nullable=False),
        sa.Column('category', sa.String(40), nullable=True),
        sa.Column('hard_case', sa.String(40), nullable=True),
        sa.Column('sampled_as', sa.String(16), nullable=False),
        sa.Column('labeled_by', sa.String(200), nullable=False),
        sa.Column('labeled_at', When, nullable=False),
        sa.Column('current', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], ondelete='CASCADE',
                                name=op.f('fk_labels_post_id_posts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_labels')),
    )
    op.create_index('ix_labels_post_id_current', 'labels', ['post_id', 'current'])


def downgrade() -> None:
    op.drop_index('ix_labels_post_id_current', table_name='labels')
    op.drop_table('labels')
    op.drop_index('ix_post_bands_post_id', table_name='post_bands')
    op.drop_table('post_bands')
    op.drop_index('ix_posts_dup_group', table_name='posts')
    op.drop_column('posts', 'dup_group')
