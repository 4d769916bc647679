"""cases: confirmed findings per terlapor, their review items and follow-up steps

Revision ID: 0007
Revises: 0011

New tables only, empty at creation, so there is nothing to backfill or bind: every row is
bound to the audit chain (storage.bindings) by the use case that writes it.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0011'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'cases',
        sa.Column('id', Id, primary_key=True),
        sa.Column('author_id', Id, sa.ForeignKey('authors.id', name='fk_cases_author_id_authors'),
                  nullable=True),
        sa.Column('region', sa.String(200), nullable=True),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('opened_by', sa.String(200), nullable=False),
        sa.Column('opened_at', When, nullable=False),
        sa.Column('known_at', When, nullable=False),
        sa.Column('updated_at', When, nullable=False),
    )
    op.create_index('ix_cases_author_id_status', 'cases', ['author_id', 'status'])
    op.create_index('ix_cases_status', 'cases', ['status'])
    op.create_table(
        'case_items',
        sa.Column('id', Id, primary_key=True),
        sa.Column('case_id', Id, sa.ForeignKey('cases.id', ondelete='CASCADE',
                                               name='fk_case_items_case_id_cases'), nullable=False),
        sa.Column('review_id', Id, sa.ForeignKey('reviews.id', ondelete='CASCADE',
                                                 name='fk_case_items_review_id_reviews'),
                  nullable=False),
        sa.Column('post_id', Id, sa.ForeignKey('posts.id', ondelete='CASCADE',
                                               name='fk_case_items_post_id_posts'), nullable=False),
        sa.Column('added_by', sa.String(200), nullable=False),
        sa.Column('added_at', When, nullable=False),
        sa.UniqueConstraint('review_id', name='uq_case_items_review_id'),
    )
    op.create_index('ix_case_items_case_id', 'case_items', ['case_id'])
    op.create_table(
        'case_steps',
        sa.Column('id', Id, primary_key=True),
        sa.Column('case_id', Id, sa.ForeignKey('cases.id', ondelete='CASCADE',
                                               name='fk_case_steps_case_id_cases'), nullable=False),
        sa.Column('step', sa.String(16), nullable=False),
        sa.Column('happened_on', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(200), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('actor', sa.String(200), nullable=False),
        sa.Column('recorded_at', When, nullable=False),
        sa.UniqueConstraint('case_id', 'step', name='uq_case_steps_case_id_step'),
    )
    op.create_index('ix_case_steps_case_id', 'case_steps', ['case_id'])


def downgrade() -> None:
    op.drop_index('ix_case_steps_case_id', table_name='case_steps')
    op.drop_table('case_steps')
    op.drop_index('ix_case_items_case_id', table_name='case_items')
    op.drop_table('case_items')
    op.drop_index('ix_cases_status', table_name='cases')
    op.drop_index('ix_cases_author_id_status', table_name='cases')
    op.drop_table('cases')
