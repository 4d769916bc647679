"""a source's last error kept as its template and values too: sources.last_error_template,
sources.last_error_params

Revision ID: 0012
Revises: 0010

`sources.last_error` stays the English text (the JSON listing, the logs and the audit trail
read it). A scraper's error (scrapers.errors) also leaves its English template, a message id of
the `cli` catalog, and its values as JSON, so the CLI and the web app can show it in the reader's
language. Both NULL for every other error and for the rows that exist: those keep showing their
English text.
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE in place (SQLite adds and, since 3.35, drops a column in place)
    op.add_column('sources', sa.Column('last_error_template', sa.Text(), nullable=True))
    op.add_column('sources', sa.Column('last_error_params', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column('sources', 'last_error_params')
    op.drop_column('sources', 'last_error_template')
