"""Checks of the secaimed DAG files without Airflow (see stubs/airflow: a test double).

What they cover: syntax for the pinned Python, imports and structure (AST), the DAG objects the
files build (imported against the stub), Kaapana's build conventions (image line, DAG image
Dockerfile, chart wiring) and the ui_forms as JSON schema. What they cannot cover: the real
DagBag import, KaapanaBaseOperator's own validation, scheduling.
"""

import ast
import copy
import importlib
import py_compile
import re
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

DAGS = Path(__file__).resolve().parents[1]
FILES = DAGS / "files"
REPO = DAGS.parent
DAG_FILES = sorted(FILES.glob("dag_*.py"))
ALL_PY = sorted(FILES.rglob("*.py"))
# Kaapana's build and the base installer scan operator files for exactly this one-line form
# (build-scripts/build_helper/helm/helm_chart.py IMAGE_PATTERN; base-installer run.py).
IMAGE_LINE = re.compile(r'image=f"\{DEFAULT_REGISTRY\}/(?P<image>[a-z0-9][a-z0-9._-]*):\{KAAPANA_BUILD_VERSION\}"')
ALLOWED_IMPORTS = {"airflow", "kaapana", "secaimed", "datetime"}
# Variables the Java side refuses to take from workflow_form (KaapanaEnvironment.PROTECTED).
PROTECTED_ENV = {
    "SECAIMED_CONFIG_DIR", "SECAIMED_KEYS_DIR", "SECAIMED_TASK_KIND", "KAAPANA_PROJECT_USER_NAME",
    "KAAPANA_PROJECT_USER_PASSWORD", "KAAPANA_CLIENT_SECRET", "KEYCLOAK_URL", "DICOM_WEB_FILTER_URL",
    "KAAPANA_BACKEND_URL", "AII_URL", "WORKFLOW_DIR", "BATCH_NAME", "OPERATOR_OUT_DIR", "OPERATOR_IN_DIR",
    "RUN_ID", "DAG_ID", "PACS_HOST", "PACS_PORT", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
}


def test_there_are_the_three_enclave_dags():
    assert [p.name for p in DAG_FILES] == [
        "dag_enclave_evaluation.py", "dag_enclave_segmentation.py", "dag_enclave_training.py"]


@pytest.mark.parametrize("path", ALL_PY, ids=lambda p: p.name)
def test_compiles(path, tmp_path):
    py_compile.compile(str(path), cfile=str(tmp_path / "x.pyc"), doraise=True)


@pytest.mark.parametrize("path", ALL_PY, ids=lambda p: p.name)
def test_imports_are_allowlisted(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            roots = [(node.module or "").split(".")[0]]
        else:
            continue
        for root in roots:
            assert root in ALLOWED_IMPORTS, f"{path.name}:{node.lineno} imports {root}"


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_one_dag_whose_id_matches_the_file_name(path):
    calls = [n for n in ast.walk(ast.parse(path.read_text()))
             if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "DAG"]
    assert len(calls) == 1
    dag_id = next(k.value for k in calls[0].keywords if k.arg == "dag_id")
    assert isinstance(dag_id, ast.Constant), "dag_id must be a literal"
    assert dag_id.value == path.stem[len("dag_"):].replace("_", "-")


def _load(path):
    airflow_models = importlib.import_module("airflow.models")
    assert getattr(airflow_models, "STUB", False), "tests must run against the stub, not a real Airflow"
    airflow_models.DAGS.clear()
    name = "dagfile_" + path.stem
    sys.modules.pop(name, None)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_builds_one_secaimed_task_with_kaapanas_wiring(path):
    module = _load(path)
    dag = module.dag
    kind = dag.dag_id.split("-", 1)[1]
    assert dag.default_args["ui_visible"] is True
    assert dag.kwargs["schedule"] is None and dag.kwargs["catchup"] is False
    assert list(dag.tasks) == [f"secaimed-{kind}"]
    task = dag.tasks[f"secaimed-{kind}"]
    assert task.env_vars["SECAIMED_TASK_KIND"] == kind
    # egress to the gateway and the C-STORE to CTP pass the project namespace's deny-all policy
    assert task.labels == {"network-access-external-ips": "true", "network-access-ctp": "true"}
    assert task.enable_proxy is True
    mounts = {s.secret: s.deploy_target for s in task.secrets}
    assert mounts == {"secaimed-config": task.env_vars["SECAIMED_CONFIG_DIR"],
                      "secaimed-site-keys": task.env_vars["SECAIMED_KEYS_DIR"]}
    assert all(s.deploy_type == "volume" for s in task.secrets), "keys are files, never environment variables"
    assert task.image == "registry.stub.invalid/kaapana/secaimed-operator:0.0.0-stub"
    assert 1024 <= task.ram_mem_mb <= task.ram_mem_mb_lmt
    assert task.kwargs["retries"] >= 1, "retries are safe: the job resumes from its journal"


def test_operator_refuses_unknown_task_kinds():
    module = _load(DAG_FILES[0])
    from secaimed.SecaimedOperator import SecaimedOperator
    with pytest.raises(ValueError, match="task_kind"):
        SecaimedOperator(dag=module.dag, task_kind="mining")


def test_operator_files_carry_the_image_line_kaapanas_build_scans_for():
    operator_files = [p for p in ALL_PY if "operator" in p.name.lower()]
    assert operator_files, "no file name contains 'operator': Kaapana would find no processing image"
    images = set()
    for p in operator_files:
        images |= {m.group("image") for m in IMAGE_LINE.finditer(p.read_text())}
    assert images == {"secaimed-operator"}
    # the Maven image build produces the same name
    pom = (REPO / "kaapana-extension" / "pom.xml").read_text()
    assert "<image.name>secaimed-operator</image.name>" in pom


def test_dag_image_dockerfile_follows_kaapanas_pattern():
    text = (DAGS / "Dockerfile").read_text()
    assert re.search(r"^FROM local-only/base-installer:latest$", text, re.M)
    labels = dict(re.findall(r'^LABEL (\w+)="([^"]*)"$', text, re.M))
    assert labels["IMAGE"] == "dag-secaimed" and labels["BUILD_IGNORE"] == "False" and labels["VERSION"]
    copies = re.findall(r"^COPY (\S+) (\S+)$", text, re.M)
    copied = set()
    for src, dst in copies:
        assert dst.startswith("/kaapana/tmp/dags/"), dst
        copied |= {p.relative_to(DAGS).as_posix() for p in DAGS.glob(src)}
    assert copied == {p.relative_to(DAGS).as_posix() for p in ALL_PY}, "every DAG and operator file is in the image"


def test_chart_installs_this_dag_image():
    values = yaml.safe_load((REPO / "charts" / "secaimed-workflow" / "values.yaml").read_text())
    assert values["global"]["image"] == "dag-secaimed"
    assert values["global"]["action"] == "copy"
    chart = yaml.safe_load((REPO / "charts" / "secaimed-workflow" / "Chart.yaml").read_text())
    assert "kaapanaworkflow" in chart["keywords"]
    assert chart["dependencies"][0]["name"] == "dag-installer-chart"


def kaapana_to_draft7(schema):
    """Kaapana's forms mark required fields with a boolean on the property (draft-3 style);
    move them to the object's required list so a draft-7 meta-schema check applies."""
    s = copy.deepcopy(schema)
    required = [k for k, v in s.get("properties", {}).items() if v.pop("required", False) is True]
    if required:
        s["required"] = required
    return s


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_ui_forms_are_json_schema_objects_kaapana_can_render(path):
    forms = _load(path).ui_forms
    assert set(forms) <= {"workflow_form", "data_form", "documentation_form", "publication_form"}
    form = forms["workflow_form"]
    assert form["type"] == "object"
    for key, prop in form["properties"].items():
        assert prop.get("title"), f"{key} has no title"
        assert prop["type"] in {"string", "boolean", "integer", "number"}, f"{key}: type {prop['type']}"
        assert key.upper() not in PROTECTED_ENV and not key.upper().startswith("SECAIMED_"), \
            f"{key} would override the operator's {key.upper()}"
    schema = kaapana_to_draft7(form)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    defaults = {k: p["default"] for k, p in form["properties"].items() if "default" in p}
    for key, value in defaults.items():
        assert not list(jsonschema.Draft7Validator(schema["properties"][key]).iter_errors(value)), key
    sample = {**defaults, "algorithm": "organ-seg", "model": "model-3f2a"}
    sample = {k: v for k, v in sample.items() if k in form["properties"]}
    assert not list(validator.iter_errors(sample))
    # the form must reject what the Java side would reject
    assert list(validator.iter_errors({**sample, "gateway_profile": "../etc"}))
    assert list(validator.iter_errors({**sample, "aetitle": "far-too-long-dataset"}))
    missing = dict(sample)
    missing.pop("algorithm")
    assert list(validator.iter_errors(missing))
