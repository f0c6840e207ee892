"""Widgets of the doctor app, one module each."""
