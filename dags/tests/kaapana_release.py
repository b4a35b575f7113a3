"""A ``kaapana`` plugin package for one real Kaapana release, built from ../shared/kaapana.

Airflow and Kaapana's plugin cannot be installed here, and Kaapana 0.6.0 uses Python 3.12 syntax
(this interpreter may be older), so the real KaapanaBaseOperator cannot be imported. What is built
instead, per release:

- ``kaapana.operators.KaapanaBaseOperator``: a class whose ``__init__`` has exactly the parameter
  names of the real one (read from the source with a regex + ``ast`` on the header only; literal
  defaults kept). Unknown keywords go on to Airflow's BaseOperator (stub in stubs/airflow), as in
  the real class. It records what a subclass passed; it has none of the real behaviour.
- ``kaapana.blueprints.kaapana_global_variables``: exactly the names the real operators import.
- ``kaapana.kubetools.secret``: the REAL file where the release has it (0.5.3), absent otherwise.
- ``kaapana.operators.LocalWorkflowCleanerOperator``: the REAL 0.6.0 file (0.5.3's is not in
  ../shared; the 0.6.0 one stands in for it there, which is said in the test ids).
"""

import ast
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "kaapana"
PLUGIN = "data-processing/kaapana-plugin/extension/docker/files/plugin/kaapana"
RELEASES = ("0.6.0", "0.5.3")
REGISTRY = "registry.test.invalid/kaapana"
BUILD_VERSION = "0.6.0-test"


def plugin_dir(release):
    return SHARED / release / PLUGIN


def init_parameters(source):
    """Parameter names and literal defaults of ``KaapanaBaseOperator.__init__`` in ``source``."""
    cls = source.index("class KaapanaBaseOperator(")
    start = source.index("    def __init__(", cls)
    end = source.index("):\n", start) + 3
    header = "class X:\n" + source[start:end] + "        pass\n"
    fn = ast.parse(header).body[0].body[0]
    args = fn.args
    names = [a.arg for a in args.args][1:]
    defaults = {}
    for arg, default in zip(args.args[len(args.args) - len(args.defaults):], args.defaults, strict=True):
        try:
            defaults[arg.arg] = ast.literal_eval(default)
        except ValueError:
            defaults[arg.arg] = "<expr>"
    return names, defaults, args.kwarg is not None


def imported_names(source, module):
    """Names a source file imports from ``module`` (``from module import (a, b)``)."""
    head = r"^from " + re.escape(module) + r" import "
    m = re.search(head + r"\(([^)]*)\)", source, re.M) or re.search(head + r"(.*)$", source, re.M)
    if not m:
        return set()
    return {n.strip() for n in m.group(1).replace("\n", " ").split(",") if n.strip()}


def real_module_exists(release, dotted):
    parts = dotted.split(".")
    if parts[0] != "kaapana":
        return False
    base = plugin_dir(release).joinpath(*parts[1:])
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _operator_source(release):
    return (plugin_dir(release) / "operators" / "KaapanaBaseOperator.py").read_text()


def global_names(release):
    names = imported_names(_operator_source(release), "kaapana.blueprints.kaapana_global_variables")
    cleaner = plugin_dir("0.6.0") / "operators" / "LocalWorkflowCleanerOperator.py"
    return names | imported_names(cleaner.read_text(), "kaapana.blueprints.kaapana_global_variables")


def build(release, into):
    """Writes the package for ``release`` under ``into`` and returns ``into``."""
    names, defaults, has_kwargs = init_parameters(_operator_source(release))
    assert has_kwargs, "the real __init__ passes **kwargs on to BaseOperator"
    pkg = into / "kaapana"
    for sub in ("", "operators", "blueprints", "kubetools"):
        (pkg / sub).mkdir(parents=True, exist_ok=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "blueprints" / "kaapana_global_variables.py").write_text("".join(
        f"{n} = {REGISTRY!r}\n" if n == "DEFAULT_REGISTRY"
        else f"{n} = {BUILD_VERSION!r}\n" if n == "KAAPANA_BUILD_VERSION"
        else f"{n} = 'test-{n.lower()}'\n"
        for n in sorted(global_names(release))))
    (pkg / "blueprints" / "kaapana_utils.py").write_text(
        "def get_operator_properties(*a, **k):\n    raise NotImplementedError\n\n\n"
        "def clean_previous_dag_run(*a, **k):\n    raise NotImplementedError\n")
    params = ", ".join(f"{n}=_UNSET" for n in names[2:])
    target = pkg / "operators" / "KaapanaBaseOperator.py"
    target.write_text(f'''"""Generated from Kaapana {release}'s KaapanaBaseOperator signature."""
from airflow.models import BaseOperator

RELEASE = {release!r}
PARAMETERS = {names!r}
DEFAULTS = {defaults!r}
_UNSET = object()


class KaapanaBaseOperator(BaseOperator):
    def __init__(self, dag, name, {params}, **kwargs):
        passed = {{k: v for k, v in locals().items() if k in PARAMETERS and v is not _UNSET}}
        self.passed = passed
        self.name = name
        self.image = passed.get("image")
        self.env_vars = dict(passed.get("env_vars") or {{}})
        self.labels = dict(passed.get("labels") or {{}})
        self.secrets = list(passed.get("secrets") or [])
        self.namespace = passed.get("namespace")
        self.services_namespace = "services"
        super().__init__(task_id=passed.get("task_id") or name, dag=dag, **kwargs)

    def effective(self, parameter):
        return self.passed.get(parameter, DEFAULTS.get(parameter))

    def set_env_secrets(self):
        self.platform_secrets_added = True
''')
    shutil.copy(plugin_dir("0.6.0") / "operators" / "LocalWorkflowCleanerOperator.py", pkg / "operators")
    real_secret = plugin_dir(release) / "kubetools" / "secret.py"
    if real_secret.is_file():
        shutil.copy(real_secret, pkg / "kubetools" / "secret.py")
        (into / "kaapanapy").mkdir(exist_ok=True)
        (into / "kaapanapy" / "__init__.py").write_text("")
        (into / "kaapanapy" / "logger.py").write_text(
            "import logging\n\n\ndef get_logger(name, level=None):\n    return logging.getLogger(name)\n")
    return into


def activate(path):
    """Puts a built release first on sys.path and forgets previously imported copies."""
    for name in list(sys.modules):
        if name.split(".")[0] in {"kaapana", "kaapanapy", "secaimed"} or name.startswith("dagfile_"):
            del sys.modules[name]
    sys.path[:] = [p for p in sys.path if not p.startswith(str(path.parent))]
    sys.path.insert(0, str(path))
