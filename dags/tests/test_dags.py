"""Checks of the secaimed DAG files against the real Kaapana 0.6.0 and 0.5.3 sources.

What they cover: syntax, imports and structure (AST); that every ``kaapana.*`` import names a
module of that release and every keyword we pass exists in that release's real
``KaapanaBaseOperator.__init__`` (read from ../shared/kaapana); the DAG objects the files build,
imported against a package generated from those sources (kaapana_release.py) and the real
``LocalWorkflowCleanerOperator``/``kubetools.secret`` files; Kaapana's build conventions (image
line, DAG image Dockerfile, chart wiring) and the ui_forms as JSON schema. What they cannot cover:
the real DagBag import (Airflow is a stub: stubs/airflow), KaapanaBaseOperator's own behaviour.
"""

import ast
import copy
import importlib
import py_compile
import re
import sys
from pathlib import Path

import jsonschema
import kaapana_release
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
ALLOWED_IMPORTS = {"airflow", "kaapana", "kubernetes", "secaimed", "datetime"}
# Variables the Java side refuses to take from workflow_form (KaapanaEnvironment.PROTECTED).
PROTECTED_ENV = {
    "SECAIMED_SITE_CONFIG", "SECAIMED_SITE_KEY", "SECAIMED_TASK_KIND", "KAAPANA_PROJECT_USER_NAME",
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


def _kaapana_imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kaapana"):
            yield node.module, {a.name for a in node.names}, node.lineno


@pytest.mark.parametrize("version", kaapana_release.RELEASES)
@pytest.mark.parametrize("path", ALL_PY, ids=lambda p: p.name)
def test_every_kaapana_import_names_a_module_of_the_real_release(path, version):
    globals_module = "kaapana.blueprints.kaapana_global_variables"
    for module, names, line in _kaapana_imports(path):
        where = f"{path.name}:{line} imports {module}"
        if module == globals_module:
            missing = names - kaapana_release.global_names(version)
            assert not missing, f"{where}: Kaapana {version}'s operators import no {sorted(missing)} from it"
        elif module == "kaapana.kubetools.secret":
            # only inside the try/except ImportError that picks the release's secrets API
            assert path.name == "site_settings.py", where
        elif module == "kaapana.operators.LocalWorkflowCleanerOperator" and version == "0.5.3":
            # not in ../shared/kaapana/0.5.3 (only KaapanaBaseOperator and secret.py are)
            assert kaapana_release.real_module_exists("0.6.0", module), where
        else:
            assert kaapana_release.real_module_exists(version, module), f"{where}: no such module in Kaapana {version}"


@pytest.mark.parametrize("version", kaapana_release.RELEASES)
def test_every_keyword_we_pass_exists_in_the_real_kaapana_base_operator(version):
    source = (kaapana_release.plugin_dir(version) / "operators" / "KaapanaBaseOperator.py").read_text()
    real, defaults, _ = kaapana_release.init_parameters(source)
    assert real[:2] == ["dag", "name"]
    tree = ast.parse((FILES / "secaimed" / "SecaimedOperator.py").read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "__init__" and isinstance(n.func.value, ast.Call)]
    assert len(calls) == 1
    passed = {k.arg for k in calls[0].keywords if k.arg}
    assert passed <= set(real), f"not in Kaapana {version}'s KaapanaBaseOperator.__init__: {sorted(passed - set(real))}"
    # what we override on purpose, and that the release still defaults it the other way
    assert defaults["delete_output_on_start"] is True and "delete_output_on_start" in passed


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_builds_the_secaimed_task_then_kaapanas_cleaner(path, release):
    from kubernetes import client

    module = _load(path)
    dag = module.dag
    kind = dag.dag_id.split("-", 1)[1]
    assert dag.default_args["ui_visible"] is True
    assert dag.kwargs["schedule"] is None and dag.kwargs["catchup"] is False
    assert list(dag.tasks) == [f"secaimed-{kind}", "workflow-cleaner"]
    task = dag.tasks[f"secaimed-{kind}"]
    cleaner = dag.tasks["workflow-cleaner"]
    assert task.downstream == [cleaner] and cleaner.clean_workflow_dir is True
    assert task.env_vars == {"SECAIMED_TASK_KIND": kind}
    # egress to the gateway and the C-STORE to CTP pass the project namespace's deny-all policy
    assert task.labels == {"network-access-external-ips": "true", "network-access-ctp": "true"}
    assert task.effective("enable_proxy") is True
    # a retry must find the journal and the gateway checkpoint it left
    assert task.effective("delete_output_on_start") is False
    assert task.image == f"{kaapana_release.REGISTRY}/secaimed-operator:{kaapana_release.BUILD_VERSION}"
    assert 1024 <= task.effective("ram_mem_mb") <= task.effective("ram_mem_mb_lmt")
    assert task.effective("retries") >= 1
    refs = {}
    for s in task.secrets:
        if release == "0.6.0":
            assert isinstance(s, client.V1EnvVar), "0.6.0 passes secrets on as K8sConfig.env_vars (List[V1EnvVar])"
            refs[s.name] = (s.value_from.secret_key_ref.name, s.value_from.secret_key_ref.key)
        else:
            from kaapana.kubetools.secret import Secret  # the real 0.5.3 class
            assert isinstance(s, Secret) and s.deploy_type == "env"
            assert s.get_kube_object_env().value_from.secret_key_ref.key == s.key
            refs[s.deploy_target] = (s.secret, s.key)
    assert refs == {"SECAIMED_SITE_CONFIG": ("secaimed-config", "site-config.json"),
                    "SECAIMED_SITE_KEY": ("secaimed-site-keys", "site-key.json")}


def test_operator_refuses_unknown_task_kinds(release):
    module = _load(DAG_FILES[0])
    from secaimed.SecaimedOperator import SecaimedOperator
    with pytest.raises(ValueError, match="task_kind"):
        SecaimedOperator(dag=module.dag, task_kind="mining")


class FakeCoreV1Api:
    """In-memory Secrets with the CoreV1Api method names site_settings uses (not a cluster)."""

    def __init__(self, secrets):
        self.secrets = dict(secrets)
        self.calls = []

    def read_namespaced_secret(self, name, namespace):
        from kubernetes.client.exceptions import ApiException
        if (namespace, name) not in self.secrets:
            raise ApiException(status=404, reason="Not Found")
        return self.secrets[(namespace, name)]

    def create_namespaced_secret(self, namespace, body):
        self.calls.append(("create", namespace))
        self.secrets[(namespace, body.metadata.name)] = body

    def replace_namespaced_secret(self, name, namespace, body):
        self.calls.append(("replace", namespace))
        self.secrets[(namespace, name)] = body


def test_a_project_created_later_gets_the_sites_configuration(release):
    from kubernetes import client
    from secaimed.site_settings import copy_site_config

    site = client.V1Secret(metadata=client.V1ObjectMeta(name="secaimed-config"), data={"site-config.json": "e30="})
    api = FakeCoreV1Api({("services", "secaimed-config"): site})
    assert copy_site_config(api, "services", "project-new") == "created"
    assert api.secrets[("project-new", "secaimed-config")].data == {"site-config.json": "e30="}
    assert copy_site_config(api, "services", "project-new") == "unchanged"
    site.data = {"site-config.json": "e30K"}
    assert copy_site_config(api, "services", "project-new") == "updated"
    assert api.calls == [("create", "project-new"), ("replace", "project-new")]
    assert copy_site_config(FakeCoreV1Api({}), "services", "project-x") == "missing"


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
    # Kaapana's build looks for the dag dependency in requirements.yaml only
    requirements = yaml.safe_load((REPO / "charts" / "secaimed-workflow" / "requirements.yaml").read_text())
    assert requirements["dependencies"][0]["name"] == "dag-installer-chart"


def kaapana_to_draft7(schema):
    """Kaapana's forms mark required fields with a boolean on the property (draft-3 style);
    move them to the object's required list so a draft-7 meta-schema check applies."""
    s = copy.deepcopy(schema)
    required = [k for k, v in s.get("properties", {}).items() if v.pop("required", False) is True]
    if required:
        s["required"] = required
    return s


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_ui_forms_are_json_schema_objects_kaapana_can_render(path, release):
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
