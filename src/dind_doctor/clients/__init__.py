"""Docker clients other than the CLI: which ones a project uses and how each one connects.

``detect`` reads build files, ``transports`` holds each client's rules for the Docker
environment variables, ``views`` judges every client against what the probes observed.
"""
