"""The commands: each module gives its sub-parser its options (``add_arguments``) and does the
work (``run(args) -> exit code``). The top layer: commands use the probes, facts, checks,
report and renderers; nothing below imports them. Heavy imports stay inside ``run``.
"""
