"""Widgets: one file per wizard step, plus the shared pieces they are built from."""
