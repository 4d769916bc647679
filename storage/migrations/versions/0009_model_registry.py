"""model registry in the database: model versions (artifact bytes, metrics, training-set
fingerprint and composition, report) and the active pointer with its history

Revision ID: 0009
Revises: 0007

The models themselves are imported on first use (the shipped default, and any versions of the
old file registry under PANTAU_HOME), by monitor.services.models, not here: a migration must not
depend on the classifier's libraries.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'model_versions',
        sa.Column('version', sa.String(100), nullable=False),
        sa.Column('artifact', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False),
        sa.Column('threshold', sa.Float(), nullable=False),
        sa.Column('meta', sa.JSON(), nullable=False),
        sa.Column('metrics', sa.JSON(), nullable=False),
        sa.Column('fingerprint', sa.String(64), nullable=True),
        sa.Column('composition', sa.JSON(), nullable=False),
        sa.Column('text_fingerprints', sa.JSON(), nullable=False),
        sa.Column('report', sa.JSON(), nullable=False),
        sa.Column('report_html', sa.Text(), nullable=True),
        sa.Column('origin', sa.String(16), nullable=False),
        sa.Column('created_by', sa.String(200), nullable=False),
        sa.Column('created_at', When, nullable=False),
        sa.PrimaryKeyConstraint('version', name='pk_model_versions'),
    )
    op.create_table(
        'model_activations',
        sa.Column('id', Id, autoincrement=True, nullable=False),
        sa.Column('version', sa.String(100), nullable=False),
        sa.Column('previous', sa.String(100), nullable=True),
        sa.Column('action', sa.String(16), nullable=False),
        sa.Column('actor', sa.String(200), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('at', When, nullable=False),
        sa.Column('rescore_by', sa.String(200), nullable=True),
        sa.Column('rescore_started_at', When, nullable=True),
        sa.Column('rescore_done_at', When, nullable=True),
        sa.Column('rescored', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['version'], ['model_versions.version'],
                                name='fk_model_activations_version_model_versions'),
        sa.PrimaryKeyConstraint('id', name='pk_model_activations'),
    )


def downgrade() -> None:
    op.drop_table('model_activations')
    op.drop_table('model_versions')
