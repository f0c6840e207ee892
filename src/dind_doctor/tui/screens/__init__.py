"""Screens of the doctor app: overview, finding, fix tree, search, help."""
