"""second review status, soft-removed sources, rows bound to the audit chain

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('sources', sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        # "awaiting_second_review" needs 22 characters. SQLite does not enforce VARCHAR lengths,
        # and recreating `reviews` there would cascade into review_decisions, so only PostgreSQL.
        op.alter_column('reviews', 'status', type_=sa.String(32), existing_nullable=False)
        op.alter_column('review_decisions', 'previous_status', type_=sa.String(32),
                        existing_nullable=False)
    _bind_existing_rows()


def _bind_existing_rows() -> None:
    """Rows written before rows were bound to the audit chain get one entry covering them, so
    `pantau audit verify` can tell them from rows inserted behind Pantau's back later."""
    from sqlalchemy.orm import Session

    from storage.bindings import bind_all_rows

    session = Session(bind=op.get_bind())
    bind_all_rows(session, actor="migration")
    session.flush()


def downgrade() -> None:
    with op.batch_alter_table('sources') as batch_op:
        batch_op.drop_column('removed_at')
