"""Renderers: present a report. They never probe and never decide."""
