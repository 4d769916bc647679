"""Evidence: bundle formats, signing and streaming verification, audit-chain anchors.

Modules: `keys` (the deployment's Ed25519 key), `bundle_format` (names and manifest shape),
`signing` (what export adds to a bundle), `zipcheck` (hostile-ZIP screening), `entries`
(bounded reads), `signature_check` and `verify` (checking a bundle with no database),
`audit_check` (the export's audit entry and its chain), `anchor` (chain heads kept outside the
database).
"""
