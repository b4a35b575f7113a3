"""Kaapana's build-scripts discovery (kaapana_build.py) finds our images and chart.

A Kaapana checkout is simulated by a git repository tagged 0.6.0 holding Kaapana's real
base-installer Dockerfile and dag-installer-chart from ../shared/kaapana/0.6.0, plus a two-line
stand-in for local-only/base-python-cpu (its real Dockerfile is not in ../shared; only its name
matters to discovery). scripts/kaapana-build-tree writes our extension into it where Kaapana's own
workflow extensions live.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import kaapana_build
from kaapana_release import REPO, SHARED

REGISTRY = "registry.example.org/kaapana"
VERSION = "0.6.0"
EXT = Path("data-processing/processing-pipelines/secaimed")


def _git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def kaapana(tmp_path_factory):
    root = tmp_path_factory.mktemp("kaapana-checkout")
    utils = SHARED / VERSION / "services" / "utils"
    shutil.copytree(utils / "base-installer", root / "services/utils/base-installer")
    shutil.copytree(utils / "dag-installer-chart", root / "services/utils/dag-installer-chart")
    base = root / "data-processing/base-images/base-python-cpu"
    base.mkdir(parents=True)
    (base / "Dockerfile").write_text('FROM docker.io/library/ubuntu:24.04\nLABEL REGISTRY="local-only"\n'
                                     'LABEL IMAGE="base-python-cpu"\n')
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "kaapana")
    _git(root, "tag", "-a", VERSION, "-m", VERSION)
    subprocess.run([str(REPO / "scripts" / "kaapana-build-tree"), str(root / EXT)], check=True,
                   capture_output=True)
    build = kaapana_build.Build(kaapana_dir=root, default_registry=REGISTRY)
    build.collect_containers()
    build.collect_charts()
    return root, build


def test_both_images_are_discovered_with_the_tags_the_dag_pulls(kaapana):
    root, build = kaapana
    dag = build.get_container("dag-secaimed", REGISTRY, VERSION)
    operator = build.get_container("secaimed-operator", REGISTRY, VERSION)
    assert dag.dockerfile == root / EXT / "extension/docker/Dockerfile"
    assert operator.dockerfile == root / EXT / "processing-containers/secaimed-operator/Dockerfile"
    assert (dag.tag, operator.tag) == (f"{REGISTRY}/dag-secaimed:{VERSION}", f"{REGISTRY}/secaimed-operator:{VERSION}")
    assert not dag.build_ignore and not operator.build_ignore
    assert dag.version_label == operator.version_label == "0.0.0"
    # The DAG image builds on Kaapana's base-installer; the operator on public Debian images only.
    assert {b.tag for b in dag.base_images} == {"local-only/base-installer:latest"}
    assert all(not b.local_image for b in operator.base_images)
    # The operator line the DAG uses is the one the build resolves (one line, Kaapana's pattern).
    line = next(line for line in (root / EXT / "extension/docker/files/secaimed/SecaimedOperator.py")
                .read_text().splitlines() if kaapana_build.IMAGE_PATTERN.search(line))
    assert kaapana_build.IMAGE_PATTERN.search(line).group("image_name") == "secaimed-operator"


def test_chart_is_a_workflow_with_both_images_and_the_real_installer(kaapana):
    _, build = kaapana
    chart = build.get_chart("secaimed-workflow")
    assert (chart.version, chart.is_dag, chart.kaapana_type) == (VERSION, True, "kaapanaworkflow")
    assert chart.container_tags == {f"{REGISTRY}/dag-secaimed:{VERSION}", f"{REGISTRY}/secaimed-operator:{VERSION}"}
    assert chart.dependencies == {("dag-installer-chart", VERSION)}
    installer = build.get_chart("dag-installer-chart", VERSION)
    assert installer.chartfile.parent.name == "dag-installer-chart"


def test_no_second_image_or_chart_of_ours_in_the_tree(kaapana):
    root, build = kaapana
    ours = [c for c in build.containers if root / EXT in c.dockerfile.parents]
    assert sorted(c.image_name for c in ours) == ["dag-secaimed", "secaimed-operator"]
    assert [c.chartfile for c in build.charts.values() if root / EXT in c.chartfile.parents] == \
        [root / EXT / "extension/secaimed-workflow/Chart.yaml"]


def test_every_copy_source_is_in_its_build_context(kaapana):
    """Kaapana runs `docker build -f Dockerfile .` in the Dockerfile's folder."""
    root, _ = kaapana
    for dockerfile in (root / EXT / "extension/docker/Dockerfile",
                       root / EXT / "processing-containers/secaimed-operator/Dockerfile"):
        for line in dockerfile.read_text().splitlines():
            if line.startswith("COPY ") and "--from=" not in line:
                source = line.split()[1]
                assert list(dockerfile.parent.glob(source)), f"{dockerfile}: {source} not in the context"
    source = root / EXT / "processing-containers/secaimed-operator/source"
    for needed in ("pom.xml", "kaapana-extension/pom.xml", "kaapana-extension/src/image/build-rootfs.sh"):
        assert (source / needed).is_file(), needed


def test_operator_dockerfile_starts_what_the_jib_image_starts():
    dockerfile = (REPO / "kaapana-extension/src/docker/Dockerfile").read_text()
    pom = (REPO / "kaapana-extension/pom.xml").read_text()
    jib_main = re.search(r"<arg>-cp</arg><arg>[^<]+</arg>\s*<arg>([\w.]+)</arg><arg>kaapana</arg><arg>run</arg>", pom)
    entry = re.search(r'^ENTRYPOINT \[(.*)\]$', dockerfile, re.M).group(1)
    assert jib_main and f'"{jib_main.group(1)}", "kaapana", "run"' in entry
    assert re.search(r'^LABEL IMAGE="secaimed-operator"$', dockerfile, re.M)


def test_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    result = subprocess.run([str(REPO / "scripts" / "kaapana-build-tree"), str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "refusing" in result.stderr
    assert (tmp_path / "mine.txt").read_text() == "keep"
