"""Static inputs: the runner's ``config.toml`` (or Helm values) and ``.gitlab-ci.yml``.

Locating and parsing them yields plain-data facts (:mod:`.filefacts`) that the static checks
read like any other facts. This package keeps its ``__init__`` free of imports so that
:mod:`dind_doctor.facts` can import the fact records without an import cycle.
"""
