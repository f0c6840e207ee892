"""Fixes as patches: comment-preserving edits of config.toml / values.yaml / .gitlab-ci.yml.

A patch is shown as a unified diff (secrets redacted) and applied atomically with a backup,
only if the file still holds the bytes it was computed from.
"""
