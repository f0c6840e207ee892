"""dind-doctor: find the first broken link in a GitLab CI Docker-in-Docker setup."""

__version__ = "0.1.0"
