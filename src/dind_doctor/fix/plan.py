"""From findings to patches: each fixable finding id has a fixer that edits one file.

Fixers re-derive *where* to edit from the same facts the checks used, so a patch always
matches the finding it fixes. A finding without a mechanical fix is listed with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TypeVar

from ..checks import cifile, runner_config
from ..checks.base import Context
from ..config import declared
from ..config.ci_yaml import parse_ci_yaml
from ..config.filefacts import CiFileFacts, RunnerConfigFacts
from ..config.helm import parse_helm_values, runner_config_text
from ..config.images import parse_image
from ..config.runner_toml import parse_runner_toml
from ..facts import EnvFacts, Facts
from ..model import Finding, Status
from ..records import field, record
from ..report import lint_report
from .patch import FilePatch, FileText, FixError, read_file
from .toml_fix import TomlEditor
from .yaml_fix import YamlEditor, plain_yaml, replace_block

TomlFixer = Callable[[Context, TomlEditor], list[str]]
YamlFixer = Callable[[Context, YamlEditor], list[str]]


E = TypeVar("E", TomlEditor, YamlEditor)  # the editor a fixer works on


@record
class FixPlan:
    facts: Facts
    patches: list[FilePatch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def facts_from_sources(ci: FileText | None, rc: FileText | None, *, helm: bool,
                       env: Mapping[str, str], collected_at: str = "") -> Facts:
    """Facts parsed from exactly the bytes the patches will be computed from."""
    from .. import __version__

    facts = Facts(tool_version=__version__, collected_at=collected_at, timeout_s=0.0,
                  env=EnvFacts(vars=dict(env)))
    if rc is not None:
        facts.runner_config = RunnerConfigFacts(path=rc.path, found=True, helm=helm)
        (parse_helm_values if helm else parse_runner_toml)(rc.text, facts.runner_config)
    if ci is not None:
        facts.ci_file = CiFileFacts(path=ci.path, found=True)
        parse_ci_yaml(ci.text, facts.ci_file)
    return facts


def plan_fixes(findings: list[Finding], facts: Facts, ci: FileText | None,
               rc: FileText | None, *, only: set[str] | None = None) -> FixPlan:
    """Patches for every failing or warning finding that has a fixer."""
    plan = FixPlan(facts)
    wanted = {f.id for f in findings if f.status in (Status.FAIL, Status.WARN)}
    if only is not None:
        wanted &= only
    ctx = Context(facts)
    if rc is not None and wanted & set(TOML_FIXERS):
        _plan_runner(ctx, rc, wanted, plan)
    if ci is not None and wanted & set(YAML_FIXERS):
        _plan_ci(ctx, ci, wanted, plan)
    for finding_id in sorted(wanted - set(TOML_FIXERS) - set(YAML_FIXERS)):
        plan.notes.append(f"{finding_id}: no mechanical fix; see the finding's fix text")
    return plan


def plan_file_fixes(ci_path: str | None, runner_path: str | None, *, helm: bool = False,
                    env: Mapping[str, str] | None = None,
                    only: set[str] | None = None) -> FixPlan:
    """Read the files now, lint exactly those bytes and plan their patches (as ``fix`` does).

    Raises :class:`FixError` when a file cannot be read.
    """
    ci = read_file(ci_path) if ci_path else None
    rc = read_file(runner_path) if runner_path else None
    facts = facts_from_sources(ci, rc, helm=helm, env=env or {})
    return plan_fixes(lint_report(facts).findings, facts, ci, rc, only=only)


def _plan_runner(ctx: Context, source: FileText, wanted: set[str], plan: FixPlan) -> None:
    rc = ctx.facts.runner_config
    helm = rc is not None and rc.helm
    if helm:
        found = runner_config_text(source.text)
        if found is None:
            plan.notes.append("Helm values: no runners.config string to edit")
            return
        toml_text, offset = found
    else:
        toml_text, offset = source.text, 0
    try:
        editor = TomlEditor(toml_text)
    except FixError as exc:
        plan.notes.append(f"{os.path.basename(source.path)}: {exc}")
        return
    changes = _run(TOML_FIXERS, wanted, ctx, editor, plan)
    if not changes:
        return
    try:
        after = editor.text()
        if helm:
            after = replace_block(source.text, offset, toml_text, after)
            check = runner_config_text(after)
            if check is None or check[0] != editor.text():
                raise FixError("refused: the edited runners.config would not read back the same")
    except FixError as exc:
        plan.notes.append(f"{os.path.basename(source.path)}: {exc}")
        return
    plan.patches.append(FilePatch(source, after, changes))


def _plan_ci(ctx: Context, source: FileText, wanted: set[str], plan: FixPlan) -> None:
    editor = YamlEditor(source.text)
    changes = _run(YAML_FIXERS, wanted, ctx, editor, plan)
    if not changes:
        return
    try:
        after = editor.text()
        plain_yaml(after)
    except FixError as exc:
        plan.notes.append(f"{os.path.basename(source.path)}: {exc}")
        return
    plan.patches.append(FilePatch(source, after, changes))


def _run(fixers: Mapping[str, Callable[[Context, E], list[str]]], wanted: set[str],
         ctx: Context, editor: E, plan: FixPlan) -> list[str]:
    changes: list[str] = []
    for finding_id, fixer in fixers.items():
        if finding_id not in wanted:
            continue
        try:
            done = fixer(ctx, editor)
        except FixError as exc:
            plan.notes.append(f"{finding_id}: {exc}")
            continue
        changes += [f"{finding_id}: {change}" for change in done]
        if not done:
            plan.notes.append(f"{finding_id}: nothing this tool can edit safely")
    return changes


# --- config.toml fixers ---------------------------------------------------------------------

def fix_privileged(ctx: Context, editor: TomlEditor) -> list[str]:
    changes = []
    ci = ctx.facts.ci_file
    for r in declared.runners_in_scope(ctx.facts.runner_config, ctx.env):
        images = declared.declared_dind_images(ci, r, ctx.env)
        if not images and ci is not None and ci.parsed:
            continue
        denied = [i for i in images or ["docker:dind"]
                  if not runner_config.service_privilege(r, i)[0]]
        if not denied:
            continue
        if r.kubernetes:
            if r.services_privileged is False:
                raise FixError(f"{r.name}: service_container_security_context.privileged = false"
                               " is deliberate; change it by hand")
            editor.set_key(r.index, "kubernetes", "privileged", True)
            changes.append(f"{r.name}: [runners.kubernetes] privileged = true")
            continue
        if r.services_privileged is False:
            editor.set_key(r.index, "docker", "services_privileged", True)
            changes.append(f"{r.name}: [runners.docker] services_privileged = true")
        elif not r.privileged and r.services_privileged is None:
            editor.set_key(r.index, "docker", "privileged", True)
            changes.append(f"{r.name}: [runners.docker] privileged = true")
        allowed = r.allowed_privileged_services
        if allowed:
            for image in denied:
                if not any(declared.glob_match(p, image) for p in allowed):
                    editor.append_to_array(r.index, "docker", "allowed_privileged_services",
                                           image)
                    changes.append(f"{r.name}: allow {image} in allowed_privileged_services")
    return changes


def fix_certs_volume(ctx: Context, editor: TomlEditor) -> list[str]:
    changes = []
    ci = ctx.facts.ci_file
    known = ci is not None and ci.parsed
    wanted = (sorted({p for p, _ in runner_config.tls_certdirs(ctx)}) if known
              else [declared.CERTS_CLIENT])
    for r in declared.runners_in_scope(ctx.facts.runner_config, ctx.env):
        for path in wanted:
            if declared.mounts(r, path):
                continue
            if r.kubernetes:
                editor.add_k8s_empty_dir(r.index, "docker-certs", path)
                changes.append(f"{r.name}: empty_dir volume at {path}")
            else:
                editor.append_to_array(r.index, "docker", "volumes", path)
                changes.append(f"{r.name}: volumes += {path!r}")
    return changes


# --- .gitlab-ci.yml fixers ------------------------------------------------------------------

def fix_tls_port(ctx: Context, editor: YamlEditor) -> list[str]:
    changes = []
    for job, svc in declared.dind_jobs(ctx.facts.ci_file, ctx.env):
        raw, _, port = declared.docker_host(job)
        if raw is None or declared.command_drops_defaults(svc):
            continue
        tls = declared.dind_tls(job, svc)
        old, new = (":2375", ":2376") if tls else (":2376", ":2375")
        if port != int(old[1:]):
            continue
        if old not in raw:
            raise FixError(f"job {job.name}: DOCKER_HOST {raw!r} gets its port from a variable")
        line = job.variable_lines.get("DOCKER_HOST")
        if not _first_time(editor, "port", line):
            continue
        editor.replace_in_value(line, "DOCKER_HOST", old, new)
        changes.append(f"line {line}: DOCKER_HOST port {old[1:]} -> {new[1:]} "
                       f"(dind TLS {'on' if tls else 'off'})")
    return changes


def fix_alias(ctx: Context, editor: YamlEditor) -> list[str]:
    changes = []
    for job, svc in declared.dind_jobs(ctx.facts.ci_file, ctx.env):
        _, host, _ = declared.docker_host(job)
        if (host or "docker") != "docker" or "docker" in svc.hostnames or svc.alias:
            continue
        if not _first_time(editor, "alias", svc.line):
            continue
        editor.add_service_key(svc.line, svc.name, svc.string_form, "alias", "docker")
        changes.append(f"line {svc.line}: alias: docker for {svc.name}")
    return changes


def _fix_client_vars(ctx: Context, editor: YamlEditor, *, kubernetes: bool) -> list[str]:
    changes = []
    for job, svc in declared.dind_jobs(ctx.facts.ci_file, ctx.env):
        if kubernetes and job.variables.get("FF_KUBERNETES_HONOR_ENTRYPOINT", "").lower() \
                == "true":
            continue
        if not kubernetes:
            name, emptied = cifile.job_image(ctx, job)
            if name and parse_image(name).is_docker_image and not emptied:
                continue
        needed = cifile.client_vars_needed(job, svc, kubernetes=kubernetes)
        if not needed:
            continue
        anchor = next((k for k in ("DOCKER_HOST", "DOCKER_TLS_CERTDIR", *job.variable_lines)
                       if k in job.variable_lines), None)
        anchor_line = job.variable_lines.get(anchor) if anchor else None
        if not _first_time(editor, "vars", (anchor_line, job.line if anchor_line is None
                                            else None)):
            continue
        editor.insert_variables(anchor_line, anchor, job.line, needed)
        where = f"next to {anchor} (line {anchor_line})" if anchor else f"in job {job.name}"
        changes.append(f"{where}: {', '.join(f'{k}={v}' for k, v in needed.items())}")
    return changes


def fix_k8s_vars(ctx: Context, editor: YamlEditor) -> list[str]:
    return _fix_client_vars(ctx, editor, kubernetes=True) if ctx.kubernetes_executor else []


def fix_entrypoint_vars(ctx: Context, editor: YamlEditor) -> list[str]:
    return [] if ctx.kubernetes_executor else _fix_client_vars(ctx, editor, kubernetes=False)


def fix_vfs(ctx: Context, editor: YamlEditor) -> list[str]:
    changes = []
    for job, svc in declared.dind_jobs(ctx.facts.ci_file, ctx.env):
        if declared.service_env(job, svc).get("DOCKER_DRIVER", "").strip().lower() != "vfs":
            continue
        if "DOCKER_DRIVER" in svc.variables:
            raise FixError(f"job {job.name}: DOCKER_DRIVER is set in the service's variables")
        line = job.variable_lines.get("DOCKER_DRIVER")
        if not _first_time(editor, "vfs", line):
            continue
        editor.replace_in_value(line, "DOCKER_DRIVER", "vfs", "overlay2")
        changes.append(f"line {line}: DOCKER_DRIVER vfs -> overlay2")
    return changes


def fix_mtu(ctx: Context, editor: YamlEditor) -> list[str]:
    mtu, _ = cifile.path_mtu(ctx)
    if mtu is None:
        return []
    changes = []
    for _job, svc in declared.dind_jobs(ctx.facts.ci_file, ctx.env):
        if svc.command is not None:
            if not any(c.startswith("--mtu") for c in svc.command):
                raise FixError(f"{svc.name} already has a command; add --mtu={mtu} to it")
            continue
        if not _first_time(editor, "mtu", svc.line):
            continue
        editor.add_service_key(svc.line, svc.name, svc.string_form, "command",
                               f'["--mtu={mtu}"]')
        changes.append(f"line {svc.line}: command [--mtu={mtu}] for {svc.name}")
    return changes


def _first_time(editor: object, kind: str, place: object) -> bool:
    """True once per edited place: a template's line is shared by many jobs."""
    store: dict[str, set[object]] = editor.__dict__.setdefault("_seen", {})
    seen = store.setdefault(kind, set())
    if place in seen:
        return False
    seen.add(place)
    return True


TOML_FIXERS: dict[str, TomlFixer] = {
    "privileged-missing": fix_privileged,
    "certs-volume-missing": fix_certs_volume,
}
YAML_FIXERS: dict[str, YamlFixer] = {
    "ci-tls-port-mismatch": fix_tls_port,
    "dind-alias-missing": fix_alias,
    "ci-k8s-tls-vars": fix_k8s_vars,
    "ci-entrypoint-bypassed": fix_entrypoint_vars,
    "docker-driver-vfs": fix_vfs,
    "dind-mtu-flag-missing": fix_mtu,
}
