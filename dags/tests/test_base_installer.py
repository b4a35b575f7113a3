"""Kaapana 0.6.0's REAL base-installer (services/utils/base-installer/files/run.py) on our DAG image.

The DAG image is FROM local-only/base-installer and only adds files under /kaapana/tmp/ (see
../Dockerfile); run.py copies them into Airflow's folders (ACTION=copy, the install Job) and
removes them again (ACTION=remove, the pre-delete hook). This test lays out exactly the files the
Dockerfile's COPY lines put into the image, then runs the real run.py with the environment the
real dag-installer-chart's Job gives it (names read from its job.yaml; values as
WorkflowChartTest renders them), in a private mount namespace whose /kaapana is a tmpfs (run.py's
paths are absolute). Its calls to kube-helm and Airflow go through an HTTP proxy that records them.

Simulated: the image itself (no container runtime here; the tree is built from the Dockerfile),
kube-helm and Airflow (the recorder answers 200), kaapanapy.logger (a logging shim).
"""

import http.server
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import kaapana_release
import pytest

DAGS = Path(__file__).resolve().parents[1]
REAL = kaapana_release.SHARED / "0.6.0" / "services" / "utils"
RUN_PY = REAL / "base-installer" / "files" / "run.py"
JOB_YAML = REAL / "dag-installer-chart" / "templates" / "job.yaml"
PLATFORM = {  # the values WorkflowChartTest renders the real Job with
    "ACTION": "copy", "ADMIN_NAMESPACE": "admin", "SERVICES_NAMESPACE": "services",
    "KAAPANA_BUILD_VERSION": "0.6.0", "KAAPANA_DEFAULT_REGISTRY": "registry.hospital.example/kaapana",
    "DOCKER_VERSION": "0.0.0",
}

LOGGER_SHIM = "import logging\n\n\ndef get_logger(name, level=None):\n    return logging.getLogger(name)\n"

pytestmark = pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux) and root")


def job_env_names():
    """The env names of the copy Job's container in the real chart (not the prefetch Deployment)."""
    text = JOB_YAML.read_text()
    job = text[text.index("kind: Job"):]
    container = job[job.index("containers:"):job.index("volumeMounts:")]
    return re.findall(r"- name: (\w+)", container[container.index("env:"):])


def image_tree(root):
    """The files dags/Dockerfile copies into the image, at their image paths under ``root``."""
    for src, dst in re.findall(r"^COPY (\S+) (\S+)$", (DAGS / "Dockerfile").read_text(), re.M):
        for f in sorted(DAGS.glob(src)):
            target = root / dst.lstrip("/") / f.name if dst.endswith("/") else root / dst.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, target)
    return root


class Recorder(http.server.BaseHTTPRequestHandler):
    calls = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Recorder.calls.append((self.path, json.loads(body or b"{}")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def proxy():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


SCRIPT = r"""
set -e
mount -t tmpfs none /kaapana
mkdir -p /kaapana/mounted/workflows/dags /kaapana/mounted/workflows/plugins
echo existing > /kaapana/mounted/workflows/dags/dag_other.py
cp -r "$IMAGE/kaapana/tmp" /kaapana/tmp
list() { (cd /kaapana/mounted/workflows && find . -type f | sort); }
for action in copy remove; do
  rc=0; ACTION=$action "$PY" "$RUN_PY" > "$OUT/$action.log" 2>&1 || rc=$?
  echo "${action}_rc=$rc"; list > "$OUT/after-$action.txt"
done
"""


def test_the_real_base_installer_copies_our_dags_and_removes_them_again(tmp_path, proxy):
    import sys

    assert job_env_names() == list(PLATFORM), "the real Job's env changed: update PLATFORM and WorkflowChartTest"
    image = image_tree(tmp_path / "image")
    shim = tmp_path / "shim" / "kaapanapy"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("")
    (shim / "logger.py").write_text(LOGGER_SHIM)
    out = tmp_path / "out"
    out.mkdir()
    created = not Path("/kaapana").exists()
    Path("/kaapana").mkdir(exist_ok=True)  # mount point only; the tmpfs lives in the private namespace
    env = {"PATH": "/usr/bin:/bin", "PY": sys.executable, "RUN_PY": str(RUN_PY), "IMAGE": str(image),
           "OUT": str(out), "PYTHONPATH": str(shim.parent), "HTTP_PROXY": proxy, "http_proxy": proxy,
           "NO_PROXY": "", **PLATFORM}
    del env["ACTION"]
    Recorder.calls.clear()
    try:
        run = subprocess.run(["unshare", "-m", "--propagation", "private", "bash", "-c", SCRIPT],
                             env=env, capture_output=True, text=True, timeout=120)
    finally:
        if created:
            Path("/kaapana").rmdir()
    logs = run.stdout + run.stderr + "".join(p.read_text() for p in sorted(out.glob("*.log")))
    assert run.returncode == 0, logs
    assert "copy_rc=0" in run.stdout and "remove_rc=0" in run.stdout, logs
    tree = image / "kaapana/tmp/dags"
    ours = sorted("./dags/" + str(p.relative_to(tree)) for p in tree.rglob("*.py"))
    assert ours and "./dags/secaimed/SecaimedOperator.py" in ours
    assert (out / "after-copy.txt").read_text().split() == sorted(ours + ["./dags/dag_other.py"])
    # the pre-delete hook removes ours and nothing else
    assert (out / "after-remove.txt").read_text().split() == ["./dags/dag_other.py"]
    # copy asks kube-helm to pre-pull the operator image; remove asks Airflow to refresh its DAGs
    urls = [u for u, _ in Recorder.calls]
    assert "http://kube-helm-service.admin.svc:5000/pull-docker-image" in urls
    pulls = [b for u, b in Recorder.calls if u.endswith("/pull-docker-image")]
    assert [p["docker_image"] for p in pulls] == ["secaimed-operator"]
    assert pulls[0]["docker_registry_url"] == PLATFORM["KAAPANA_DEFAULT_REGISTRY"]
    assert urls[-1] == "http://airflow-webserver-service.services.svc:8080/flow/kaapana/api/trigger/service-daily-cleanup-jobs"


def test_without_the_real_jobs_build_version_the_base_installer_refuses(tmp_path):
    """What the former stand-in chart's Job did: no KAAPANA_BUILD_VERSION -> exit 1, nothing copied."""
    import sys

    shim = tmp_path / "kaapanapy"
    shim.mkdir()
    (shim / "__init__.py").write_text("")
    (shim / "logger.py").write_text(LOGGER_SHIM)
    env = {k: v for k, v in PLATFORM.items() if k not in {"KAAPANA_BUILD_VERSION", "DOCKER_VERSION"}}
    env.update({"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)})
    run = subprocess.run([sys.executable, str(RUN_PY)], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "KAAPANA_BUILD_VERSION" in run.stdout + run.stderr
