"""Static checks of deploy/: the Dockerfiles, the compose file and the Kubernetes manifests.

No Docker daemon or cluster runs here, so nothing is built or started. What is checked: the
files are well formed (the compose file against the compose spec's keys, the manifests by
rendering them with `kubectl kustomize`); every image is built from sources that exist and
reach the build context, on a pinned base, as a non-root user; every setting the files pass
is one the code reads (bot/settings.py's SHOP_* fields, endpoints.scaled.yml's variables)
and Rasa gets all of endpoints.scaled.yml's; every long-running container has probes and
every container resource requests.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import shutil
import subprocess
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.settings import Settings
from scripts.scaled import TICKET_LOCK_LIFETIME

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
DOCKER = DEPLOY / "docker"
DOCKERFILES = {name: DOCKER / f"{name}.Dockerfile" for name in ("gateway", "actions", "rasa")}
K8S = DEPLOY / "k8s"
OVERLAY = K8S / "overlays" / "production"
SECRET_TEMPLATE = K8S / "base" / "secret.example.yaml"

SETTINGS_VARS = {f"SHOP_{name.upper()}" for name in Settings.model_fields}
VAR_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}")


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []


@cache
def endpoint_vars() -> frozenset[str]:
    """The variables endpoints.scaled.yml takes from the environment (its values, not its comments)."""
    values = _strings(yaml.safe_load((ROOT / "endpoints.scaled.yml").read_text()))
    return frozenset(m.group(1) for value in values for m in VAR_REF.finditer(value))


def unknown_shop_vars(names) -> set[str]:
    return {n for n in names if n.startswith("SHOP_")} - SETTINGS_VARS - endpoint_vars()


def test_endpoints_name_variables():
    assert {"SHOP_ACTION_ENDPOINT_URL", "SHOP_TRACKER_PG_PASSWORD", "SHOP_AMQP_QUEUE"} <= endpoint_vars()


# --- the compose file --------------------------------------------------------------------------

# The compose specification's top-level and service keys (compose-spec schema, 2025).
COMPOSE_TOP_KEYS = {"version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models"}
COMPOSE_SERVICE_KEYS = set("""
    annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs container_name
    cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime cpu_shares cpus cpuset credential_spec
    depends_on deploy develop device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file
    environment expose extends external_links extra_hosts gpus group_add healthcheck hostname image init ipc
    isolation label_file labels links logging mac_address mem_limit mem_reservation mem_swappiness memswap_limit
    models network_mode networks oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_stop
    privileged profiles provider pull_policy read_only restart runtime scale secrets security_opt shm_size
    stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits use_api_socket user
    userns_mode uts volumes volumes_from working_dir
""".split())
DEPENDS_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


@cache
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def built_from(service: dict) -> str | None:
    build = service.get("build")
    return Path(build["dockerfile"]).name if build else None


def test_compose_file_has_only_compose_spec_keys():
    spec = compose()
    assert set(spec) - COMPOSE_TOP_KEYS == {k for k in spec if k.startswith("x-")}
    for name, service in services().items():
        assert set(service) <= COMPOSE_SERVICE_KEYS, f"{name}: {set(service) - COMPOSE_SERVICE_KEYS}"
        assert "image" in service or "build" in service, name
        for dependency, how in service.get("depends_on", {}).items():
            assert dependency in services(), f"{name} depends on a missing service {dependency}"
            assert how["condition"] in DEPENDS_CONDITIONS, name
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source.startswith((".", "/")) or source in spec.get("volumes", {}), f"{name}: volume {source}"
        for config in service.get("configs", []):
            assert config["source"] in spec.get("configs", {}), f"{name}: config {config['source']}"


def test_compose_builds_from_the_deploy_dockerfiles():
    built = {}
    for name, service in services().items():
        if "build" not in service:
            continue
        context = (DEPLOY / service["build"]["context"]).resolve()
        assert context == ROOT, f"{name}: the build context must be the repository root (.dockerignore)"
        dockerfile = context / service["build"]["dockerfile"]
        assert dockerfile.is_file(), f"{name}: {dockerfile} does not exist"
        built[name] = dockerfile.name
    assert set(built.values()) == {path.name for path in DOCKERFILES.values()}


def test_compose_variables_are_in_the_env_example_without_secrets():
    used = {m.group(1): m.group(2) for m in VAR_REF.finditer(COMPOSE_FILE.read_text())}
    example = env_example()
    assert set(used) == set(example), "every ${VAR} of the compose file, and only those, in .env.example"
    required = {name for name, rest in used.items() if not rest.startswith((":-", "-"))}
    assert {"POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "SHOP_RASA_TOKEN", "SHOP_SECRET_KEY"} <= required
    secrets = {k: v for k, v in example.items() if re.search(r"PASSWORD|TOKEN|SECRET", k)}
    assert secrets and not any(secrets.values()), "the example holds no secret values"
    assert not unknown_shop_vars(example)


def test_compose_passes_only_settings_the_code_reads():
    for name, service in services().items():
        assert not unknown_shop_vars(service.get("environment", {})), name


def test_compose_rasa_gets_every_endpoint_variable():
    rasa, feed = services()["rasa"], services()["summaries"]
    env = rasa["environment"]
    assert endpoint_vars() <= set(env)
    assert env["TICKET_LOCK_LIFETIME"] == TICKET_LOCK_LIFETIME
    assert str(rasa["deploy"]["replicas"]).startswith("${RASA_REPLICAS")
    # The feed reads the queue Rasa publishes into.
    for key in ("SHOP_AMQP_EXCHANGE", "SHOP_AMQP_QUEUE"):
        assert feed["environment"][key] == env[key]


def test_compose_runs_the_python_processes_from_the_gateway_image():
    runs = {name: service.get("command") for name, service in services().items()
            if built_from(service) == "gateway.Dockerfile"}
    assert runs == {
        "migrate": ["sh", "-c", "python -m bot.migrate && python -m bot.seed --if-empty"],
        "gateway": None,
        "summaries": ["python", "-m", "bot.summaries", "follow"],
        "aggregates": ["python", "-m", "bot.aggregates", "--every", "300"],
    }
    for name, command in runs.items():
        if command is not None:  # the image's own HEALTHCHECK asks the gateway's port
            assert "healthcheck" in services()[name], name
    for name in ("gateway", "actions", "summaries", "aggregates"):
        assert services()[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_publishes_the_gateway_only():
    assert [name for name, service in services().items() if service.get("ports")] == ["gateway"]


# --- the Dockerfiles ---------------------------------------------------------------------------

def dockerfile_stages(path: Path) -> list[dict]:
    """Each stage: its base, its name, and its instructions as (KEYWORD, arguments)."""
    text = re.sub(r"\\\n", " ", "\n".join(
        line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")))
    stages: list[dict] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        keyword, _, args = line.strip().partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            base, _, name = re.sub(r"--platform=\S+\s+", "", args).partition(" AS ")
            stages.append({"base": base.strip(), "name": name.strip() or None, "instructions": []})
        else:
            stages[-1]["instructions"].append((keyword, args))
    return stages


def instruction_args(args: str) -> list[str]:
    """An instruction's arguments, JSON (exec) form or shell words."""
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def dockerignore_patterns() -> list[re.Pattern]:
    patterns = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("!"), "exceptions are not modelled here"
        glob = line.strip("/")
        regex = "".join(".*" if part == "**" else "[^/]*" if part == "*" else "[^/]" if part == "?" else re.escape(part)
                        for part in re.split(r"(\*\*|\*|\?)", glob))
        patterns.append(re.compile(regex.replace(".*/", "(.*/)?") + "$"))
    return patterns


def ignored(relative: str) -> bool:
    parts = Path(relative).parts
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(p.match(c) for p in dockerignore_patterns() for c in candidates)


def test_dockerignore_keeps_local_state_and_secrets_out():
    for path in (".git", ".venv", ".venv-rasa", "var/shop.db", "models/shop.tar.gz", "deploy/.env",
                 "bot/__pycache__/x.pyc", ".pytest_cache/v"):
        assert ignored(path), path
    for path in ("bot/settings.py", "requirements/app.lock", "deploy/.env.example", "data/nlu/orders.yml"):
        assert not ignored(path), path


@pytest.mark.parametrize("name", DOCKERFILES)
def test_dockerfile_base_images_are_pinned(name):
    stages = dockerfile_stages(DOCKERFILES[name])
    names = {stage["name"] for stage in stages}
    for stage in stages:
        base = stage["base"]
        if base in names:
            continue
        image, _, digest = base.partition("@")
        tag = image.rpartition("/")[2].partition(":")[2]
        assert tag or digest, f"{base}: no tag"
        assert tag != "latest", base


@pytest.mark.parametrize("name", DOCKERFILES)
def test_dockerfile_copies_what_the_context_has(name):
    copied = 0
    for stage in dockerfile_stages(DOCKERFILES[name]):
        for keyword, args in stage["instructions"]:
            if keyword not in ("COPY", "ADD") or "--from=" in args:
                continue
            words = [w for w in instruction_args(args) if not w.startswith("--")]
            for source in words[:-1]:
                assert (ROOT / source).exists(), f"{name}: COPY {source}: not in the repository"
                assert not ignored(source.rstrip("/")), f"{name}: COPY {source}: excluded by .dockerignore"
                copied += 1
    assert copied


def final_setting(name: str, keyword: str) -> str | None:
    """The last value of KEYWORD in the final stage, following FROM <earlier stage> back."""
    stages = dockerfile_stages(DOCKERFILES[name])
    by_name = {stage["name"]: stage for stage in stages if stage["name"]}
    stage = stages[-1]
    while stage:
        values = [args for kw, args in stage["instructions"] if kw == keyword]
        if values:
            return values[-1]
        stage = by_name.get(stage["base"])
    return None


@pytest.mark.parametrize("name", DOCKERFILES)
def test_dockerfile_runs_as_a_non_root_user_with_a_healthcheck(name):
    user = final_setting(name, "USER")
    assert user and user.split(":")[0] not in ("root", "0"), f"{name}: USER {user}"
    assert final_setting(name, "HEALTHCHECK")


def test_rasa_image_is_the_rasa_of_the_requirements():
    pinned = re.search(r"^rasa==(\S+)", (ROOT / "requirements/rasa.in").read_text(), re.MULTILINE).group(1)
    stages = dockerfile_stages(DOCKERFILES["rasa"])
    assert stages[0]["base"] == f"rasa/rasa:{pinned}"
    assert ("ENV", "PYTHONPATH=/app RASA_TELEMETRY_ENABLED=false") in stages[0]["instructions"]
    assert ("COPY", "rasa_addons/ /app/rasa_addons/") in stages[0]["instructions"]
    assert any(kw == "RUN" and args.startswith("rasa train") for kw, args in stages[-2]["instructions"])


def test_rasa_entrypoint_passes_the_token_and_refuses_none(tmp_path):
    entrypoint = json.loads(final_setting("rasa", "ENTRYPOINT"))
    (tmp_path / "python").write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    (tmp_path / "python").chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin"}
    ran = subprocess.run([*entrypoint, "--model", "/mnt/other.tar.gz"], capture_output=True, text=True,
                         env={**env, "SHOP_RASA_TOKEN": "t0ken"}, check=True)
    args = ran.stdout.split()
    assert args[:3] == ["-m", "rasa_addons.serve", "run"] and "--enable-api" in args
    assert args[args.index("--auth-token") + 1] == "t0ken"
    assert args[args.index("--endpoints") + 1] == "endpoints.scaled.yml"
    assert args[-2:] == ["--model", "/mnt/other.tar.gz"]  # appended arguments come last, so they win
    refused = subprocess.run(entrypoint, capture_output=True, text=True, env={**env, "SHOP_RASA_TOKEN": ""},
                             check=False)
    assert refused.returncode == 64 and not refused.stdout and "SHOP_RASA_TOKEN" in refused.stderr


def test_gateway_command_has_the_flags_of_the_run_script():
    script = (ROOT / "scripts/run.sh").read_text().replace("\\\n", " ")
    words = shlex.split(next(line for line in script.splitlines() if line.startswith(".venv/bin/uvicorn")))
    flags = {w: words[i + 1] for i, w in enumerate(words) if w.startswith("--") and w not in ("--host", "--port")}
    cmd = json.loads(final_setting("gateway", "CMD"))
    assert cmd[0] == "uvicorn"
    assert {w: cmd[i + 1] for i, w in enumerate(cmd) if w in flags} == flags


def runtime_exclusion(name: str) -> set[str]:
    """The test tools a Python image leaves out of requirements/app.in."""
    run = next(args for stage in dockerfile_stages(DOCKERFILES[name]) for kw, args in stage["instructions"]
               if kw == "RUN" and "app.in" in args)
    return set(re.search(r"grep -vE '\^\(([^)]*)\)\\b' \S*app\.in", run).group(1).split("|"))


def _closure(requirements: list[Requirement]) -> set[str]:
    seen: set[str] = set()
    todo = [(r, frozenset(r.extras)) for r in requirements]
    while todo:
        req, extras = todo.pop()
        name = canonicalize_name(req.name)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for spec in metadata.distribution(req.name).requires or []:
            dep = Requirement(spec)
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in extras or {""}):
                todo.append((dep, frozenset(dep.extras)))
    return {name for name, _ in seen}


def test_python_images_leave_out_only_what_the_code_never_imports():
    excluded = runtime_exclusion("gateway")
    assert excluded == runtime_exclusion("actions")
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements/app.in").read_text().splitlines()]
    requirements = [Requirement(line) for line in lines if line]
    assert excluded <= {canonicalize_name(r.name) for r in requirements}
    installed = _closure([r for r in requirements if canonicalize_name(r.name) not in excluded])
    providers = metadata.packages_distributions()
    local = {"api", "bot", "actions"}
    for path in (p for d in local for p in (ROOT / d).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for top in {m.partition(".")[0] for m in modules} - local - set(sys.stdlib_module_names):
                dists = {canonicalize_name(d) for d in providers.get(top, [])}
                assert dists & installed, f"{path.relative_to(ROOT)} imports {top}, which the images lack"


# --- Kubernetes --------------------------------------------------------------------------------

def kustomize(path: Path) -> list[dict]:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed: the kustomize overlays cannot be rendered")
    done = subprocess.run(["kubectl", "kustomize", str(path)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module")
def rendered() -> list[dict]:
    return kustomize(OVERLAY)


def of_kind(objects, kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_specs(objects) -> dict[str, dict]:
    """Every workload's pod spec, by "Kind/name"."""
    specs = {}
    for o in objects:
        spec = o.get("spec", {})
        if o["kind"] == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        if "template" in spec and o["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob"):
            specs[f"{o['kind']}/{o['metadata']['name']}"] = spec["template"]["spec"]
    return specs


def secret_template() -> dict:
    return yaml.safe_load(SECRET_TEMPLATE.read_text())


def test_base_renders_too():
    kinds = {o["kind"] for o in kustomize(K8S / "base")}
    assert {"Deployment", "Service", "HorizontalPodAutoscaler", "ConfigMap", "Job", "CronJob"} <= kinds


def test_overlay_has_every_workload(rendered):
    assert set(pod_specs(rendered)) == {"Deployment/rasa", "Deployment/actions", "Deployment/gateway",
                                        "Deployment/summaries-feed", "CronJob/aggregates", "Job/migrate"}
    deployments = of_kind(rendered, "Deployment")
    assert deployments["summaries-feed"]["spec"]["replicas"] == 1
    assert deployments["summaries-feed"]["spec"]["strategy"]["type"] == "Recreate"
    assert {o["metadata"]["namespace"] for o in rendered if o["kind"] != "Namespace"} == {"shopbot"}


def test_rasa_and_gateway_autoscale_and_roll_without_losing_capacity(rendered):
    deployments = of_kind(rendered, "Deployment")
    hpas = of_kind(rendered, "HorizontalPodAutoscaler")
    targets = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in hpas.values()}
    assert targets == {"rasa", "gateway"}
    for name in targets:
        assert hpas[name]["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        assert hpas[name]["spec"]["minReplicas"] >= 2
        assert "replicas" not in deployments[name]["spec"], f"{name}: the HPA owns the replica count"
        assert deployments[name]["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_every_container_has_probes_and_resources(rendered):
    served = {tuple(sorted(s["spec"]["selector"].items())) for s in of_kind(rendered, "Service").values()
              if s["spec"].get("selector")}
    deployments = of_kind(rendered, "Deployment")
    for workload, spec in pod_specs(rendered).items():
        for c in spec["containers"]:
            where = f"{workload}/{c['name']}"
            requests, limits = c["resources"]["requests"], c["resources"].get("limits", {})
            assert {"cpu", "memory"} <= set(requests) and "memory" in limits, where
            if not workload.startswith("Deployment/"):
                continue  # Jobs end by themselves (activeDeadlineSeconds stops a hung one)
            assert "livenessProbe" in c, where
            labels = deployments[workload.partition("/")[2]]["spec"]["template"]["metadata"]["labels"]
            if any(set(sel) <= set(labels.items()) for sel in served):
                assert "readinessProbe" in c, f"{where} is behind a Service"
        if workload.startswith(("Job/", "CronJob/")):
            job = next(o for o in rendered if f"{o['kind']}/{o['metadata']['name']}" == workload)["spec"]
            assert (job.get("jobTemplate", {}).get("spec") or job)["activeDeadlineSeconds"] > 0
    gateway = deployments["gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/readyz"
    rasa = deployments["rasa"]["spec"]["template"]["spec"]["containers"][0]
    assert "/status?token=" in " ".join(rasa["readinessProbe"]["exec"]["command"])


def container_env(objects, container: dict) -> dict[str, str]:
    """A container's environment: envFrom ConfigMaps (rendered) and Secrets (the template), then env."""
    configmaps, secret = of_kind(objects, "ConfigMap"), secret_template()
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(configmaps[source["configMapRef"]["name"]]["data"])
        else:
            assert source["secretRef"]["name"] == secret["metadata"]["name"]
            env.update(secret["stringData"])
    for var in container.get("env", []):
        ref = var.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            assert ref["name"] == secret["metadata"]["name"] and ref["key"] in secret["stringData"], var["name"]
        # $(VAR) takes what is defined before it; an undefined one would stay as it is.
        for used in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", var.get("value", "")):
            assert used in env, f"{var['name']} uses $({used}), which is not set before it"
        env[var["name"]] = var.get("value", "<secret>")
    return env


def test_k8s_passes_only_settings_the_code_reads(rendered):
    assert not unknown_shop_vars(secret_template()["stringData"])
    for workload, spec in pod_specs(rendered).items():
        for c in spec["containers"]:
            env = container_env(rendered, c)
            assert not unknown_shop_vars(env), f"{workload}/{c['name']}"
            if workload != "Deployment/rasa":
                assert {"SHOP_RASA_TOKEN", "SHOP_SECRET_KEY", "SHOP_DATABASE_URL"} <= set(env), workload


def test_k8s_rasa_gets_every_endpoint_variable(rendered):
    rasa = of_kind(rendered, "Deployment")["rasa"]["spec"]["template"]["spec"]["containers"][0]
    env = container_env(rendered, rasa)
    assert endpoint_vars() <= set(env)
    assert env["TICKET_LOCK_LIFETIME"] == TICKET_LOCK_LIFETIME


def test_k8s_images_are_ours_and_tagged(rendered):
    for workload, spec in pod_specs(rendered).items():
        for c in spec["containers"]:
            repository, _, tag = c["image"].rpartition(":")
            assert "/" not in tag and tag and tag != "latest", f"{workload}: {c['image']}"
            assert repository.rsplit("/", 1)[-1] in DOCKERFILES, f"{workload}: {c['image']}"


def test_k8s_pods_run_as_non_root(rendered):
    for workload, spec in pod_specs(rendered).items():
        assert spec["securityContext"]["runAsNonRoot"] is True, workload
        assert spec["automountServiceAccountToken"] is False, workload
        for c in spec["containers"]:
            assert c["securityContext"]["allowPrivilegeEscalation"] is False, workload
            assert c["securityContext"]["capabilities"]["drop"] == ["ALL"], workload


def test_k8s_services_reach_their_pods(rendered):
    pods = [o["spec"]["template"] for o in of_kind(rendered, "Deployment").values()]
    for name, service in of_kind(rendered, "Service").items():
        if service["spec"].get("type") == "ExternalName":
            continue
        matching = [p for p in pods if service["spec"]["selector"].items() <= p["metadata"]["labels"].items()]
        assert len(matching) == 1, name
        ports = {p["name"] for c in matching[0]["spec"]["containers"] for p in c.get("ports", [])}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports, name


def test_k8s_migration_can_go_first(rendered):
    """deploy/README.md applies everything but the long-running workloads first, then waits for the Job."""
    long_running = {"rasa", "actions", "gateway", "summaries-feed", "aggregates"}
    first = [o for o in rendered
             if o["metadata"].get("labels", {}).get("app.kubernetes.io/component") not in long_running]
    kinds = {o["kind"] for o in first}
    assert {"Namespace", "ConfigMap", "Job"} <= kinds and not kinds & {"Deployment", "CronJob"}
    readme = (DEPLOY / "README.md").read_text()
    named = re.search(r"component notin \(([^)]*)\)", readme).group(1).split(",")
    assert set(named) == long_running


def test_k8s_jobs_run_what_compose_runs(rendered):
    migrate = of_kind(rendered, "Job")["migrate"]["spec"]["template"]["spec"]["containers"][0]
    assert migrate["command"] == services()["migrate"]["command"]
    aggregates = of_kind(rendered, "CronJob")["aggregates"]["spec"]["jobTemplate"]["spec"]["template"]
    # Without --every, bot.aggregates refreshes once and exits (non-zero when the refresh failed).
    assert aggregates["spec"]["containers"][0]["command"] == ["python", "-m", "bot.aggregates"]
