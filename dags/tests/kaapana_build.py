"""The discovery half of Kaapana's build-scripts (0.6.0), transcribed for tests.

Kaapana's build-scripts are not in ../shared/kaapana (only the pieces its README lists are), and
the real modules import docker/helm/git helpers at module level, so this file carries the parts
that decide whether an extension is *found* (same checks and order; ``extract_images_from_templates``
is reduced to plain ``image:`` lines, the templated-line fallback to values.yaml is left out), from
(kaapana/kaapana, build-scripts/build_helper/, read at commits 06895124 (container/), 62c82528
(helm/helm_chart.py), 06895124 (helm/helm_chart_helper.py), 03ddf6b1 (utils/git_utils.py) of the
0.6.0 line; not diffed against the 0.6.0 tag itself):

- ``container/container_helper.py`` ``ContainerHelper.collect_containers``: ``kaapana_dir.rglob
  ("Dockerfile*")`` plus ``rglob("Dockerfile")`` per external source dir; ``get_container``: exactly
  one collected image with that name/registry/version, else an issue and ``matches[0]``
  (IndexError when there is none); ``check_base_containers``: every ``local-only`` FROM must be a
  collected image.
- ``container/container.py`` ``Container.from_dockerfile``: ``LABEL REGISTRY=/IMAGE=/VERSION=/
  BUILD_IGNORE=`` prefixes, ``FROM`` lines without ``#ignore`` as base images (``BaseImage.from_tag``
  raises without ``:tag``), tag = ``<registry or default>/<IMAGE>:<git describe>`` (``latest`` for
  ``local-only``); the VERSION label is read and then overwritten.
- ``utils/git_utils.py`` ``GitUtils.get_repo_info``: walk up to the first ``.git``; ``git
  describe``; semver-parse it.
- ``helm/helm_chart_helper.py`` ``collect_charts``: ``rglob("Chart.yaml")``; ``get_chart``: by name,
  version must match.
- ``helm/helm_chart.py`` ``HelmChart.from_chartfile``: ``IMAGE_PATTERN``, ``_resolve_repo_version``,
  ``_has_dag_dependency`` (first entry of requirements.yaml), ``_resolve_kaapana_type``,
  ``_collect_chart_containers`` (``global.image`` + ``collect_operator_containers``: ``**/*.py``
  under ``chartfile.parent.parent`` whose name contains "operator"; plus ``image:`` lines of the
  chart's own YAML files), ``_collect_chart_dependencies`` (Chart.yaml and requirements.yaml, 0.0.0
  → the repo version).

Not transcribed: building, pushing, linting, packaging (they need docker and helm).
"""
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

IMAGE_PATTERN = re.compile(
    r'^\s*-?\s*image\s*[:=]\s*f?["\']\{DEFAULT_REGISTRY\}/(?P<image_name>[^:]+):(?P<version>[^"\']+)["\']'
)
# semver.VersionInfo.parse accepts MAJOR.MINOR.PATCH[-pre][+build]; git describe adds -N-gSHA as pre.
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


class BuildError(Exception):
    """What Kaapana's build reports as an issue (or crashes on)."""


def repo_version(path: Path) -> str:
    """GitUtils.get_repo_info(path)[0]."""
    repo_dir = path
    while not (repo_dir / ".git").exists() and repo_dir != Path("/"):
        repo_dir = repo_dir.parent
    if repo_dir == Path("/"):
        raise BuildError(f"{path}: Reached filesystem root without finding .git")
    version = subprocess.run(["git", "describe"], cwd=repo_dir, check=True, capture_output=True,
                             text=True).stdout.strip()
    if not _SEMVER.match(version):
        raise BuildError(f"{repo_dir}: git describe {version!r} is not a semver version")
    return version


@dataclass(frozen=True)
class BaseImage:
    tag: str
    local_image: bool


def base_image_from_tag(tag: str) -> BaseImage:
    if ":" not in tag:
        raise BuildError(f"{tag}: Missing version in base-image tag")
    return BaseImage(tag, "local-only" in tag.rsplit(":", 1)[0])


@dataclass
class Container:
    dockerfile: Path
    registry: str
    image_name: str
    version: str
    tag: str
    base_images: set = field(default_factory=set)
    build_ignore: bool = False
    local_image: bool = False
    version_label: str = ""


def _label(line: str) -> str:
    return line.split("=", 1)[1].strip().strip('"').strip("'")


def container_from_dockerfile(dockerfile: Path, default_registry: str) -> Container:
    registry = image_name = repo_ver = ""
    build_ignore = local_image = False
    base_images = set()
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("LABEL REGISTRY="):
            registry = _label(line)
        elif line.startswith("LABEL IMAGE="):
            image_name = _label(line)
        elif line.startswith("LABEL VERSION="):
            repo_ver = _label(line)
        elif line.startswith("LABEL BUILD_IGNORE="):
            build_ignore = _label(line).lower() in {"true", "yes", "1"}
        elif line.startswith("FROM") and "#ignore" not in line:
            base_images.add(base_image_from_tag(line.split("FROM", 1)[1].split()[0].strip().replace('"', "")))
    version_label = repo_ver
    if registry and "local-only" in registry:
        local_image, repo_ver = True, "latest"
    else:
        repo_ver = repo_version(dockerfile.parent)
    if not image_name or not repo_ver:
        raise BuildError(f"{dockerfile.parent}: could not extract container infos!")
    registry = registry or default_registry
    return Container(dockerfile, registry, image_name, repo_ver, f"{registry}/{image_name}:{repo_ver}",
                     base_images, build_ignore, local_image, version_label)


@dataclass
class Build:
    """One build's view: the Kaapana checkout plus external source dirs."""
    kaapana_dir: Path
    default_registry: str
    external_source_dirs: tuple = ()
    containers: list = field(default_factory=list)
    charts: dict = field(default_factory=dict)

    def collect_containers(self) -> list:
        found = list(self.kaapana_dir.rglob("Dockerfile*"))
        for ext in self.external_source_dirs:
            found += [p for p in Path(ext).rglob("Dockerfile") if self.kaapana_dir not in p.parents]
        self.containers = [container_from_dockerfile(d, self.default_registry) for d in sorted(set(found))]
        for c in self.containers:  # check_base_containers
            for b in c.base_images:
                if b.local_image and not any(b.tag == a.tag for a in self.containers):
                    raise BuildError(f"{c.tag} - base_image missing: {b.tag}")
        return self.containers

    def get_container(self, image_name, registry=None, version=None) -> Container:
        matches = [c for c in self.containers if c.image_name == image_name
                   and (registry is None or c.registry == registry)
                   and (version is None or c.version == version)]
        if len(matches) != 1:
            raise BuildError(f"Container not found or ambiguous: {registry}/{image_name}:{version} "
                             f"({len(matches)} found: {[str(m.dockerfile) for m in matches]})")
        return matches[0]

    def collect_charts(self) -> dict:
        files = set(self.kaapana_dir.rglob("Chart.yaml"))
        for ext in self.external_source_dirs:
            files |= {c for c in Path(ext).rglob("Chart.yaml") if self.kaapana_dir not in c.parents}
        for f in sorted(files):
            chart = self.chart_from_chartfile(f)
            if chart.name in self.charts:
                raise BuildError(f"two charts named {chart.name}: {self.charts[chart.name].chartfile}, {f}")
            self.charts[chart.name] = chart
        return self.charts

    def get_chart(self, name, version=None):
        candidate = self.charts.get(name)
        if candidate is None:
            raise BuildError(f"Chart '{name}' not found in available charts.")
        if version and candidate.version != version:
            raise BuildError(f"Version mismatch for chart '{name}': expected {version}, found {candidate.version}")
        return candidate

    def chart_from_chartfile(self, chartfile: Path) -> "Chart":
        chart_yaml = _load_yaml(chartfile)
        requirements = _load_yaml(chartfile.parent / "requirements.yaml")
        values = _load_yaml(chartfile.parent / "values.yaml")
        name = chart_yaml["name"]
        version = (chart_yaml["version"] if chart_yaml.get("version") and chart_yaml["version"] != "0.0.0"
                   else repo_version(chartfile.parent))
        deps = requirements.get("dependencies", []) if requirements else []
        is_dag = bool(deps) and deps[0].get("name") == "dag-installer-chart"
        keywords = chart_yaml.get("keywords", [])
        kaapana_type = (chart_yaml.get("kaapana_type") or
                        ("kaapanaworkflow" if is_dag or "kaapanaworkflow" in keywords else "other")).lower()
        containers = set()
        if kaapana_type == "kaapanaworkflow" and values:
            image = values.get("global", {}).get("image")
            if image:
                containers.add(self.get_container(image, self.default_registry, version).tag)
            containers |= self._operator_containers(chartfile, version)
        containers |= self._template_containers(chartfile, version)
        dependencies = set()
        for doc in (chart_yaml, requirements or {}):
            for dep in doc.get("dependencies", []) or []:
                dep_version = dep.get("version", "0.0.0")
                dependencies.add((dep.get("name"), version if dep_version == "0.0.0" else dep_version))
        return Chart(chartfile, name, version, is_dag, kaapana_type, containers, dependencies)

    def _operator_containers(self, chartfile: Path, version: str) -> set:
        tags = set()
        for python_file in (f for f in chartfile.parent.parent.glob("**/*.py") if "operator" in f.name.lower()):
            for line in python_file.read_text(encoding="utf-8").splitlines():
                m = IMAGE_PATTERN.search(line)
                if m:
                    v = m.group("version")
                    tags.add(self.get_container(m.group("image_name"), self.default_registry,
                                                version if v == "{KAAPANA_BUILD_VERSION}" else v).tag)
        return tags

    def _template_containers(self, chartfile: Path, version: str) -> set:
        """extract_images_from_templates, for plain `image:` lines (templated ones are skipped)."""
        tags = set()
        dirs = [chartfile.parent / "templates", chartfile.parent / "crds", chartfile.parent]
        for f in (f for d in dirs if d.exists() for f in d.glob("*.yaml")):
            for line in f.read_text(encoding="utf-8").splitlines():
                m = re.match(r"^\s*-?\s*(?:complete_)?image:\s*(.+)$", line)
                if not m:
                    continue
                value = m.group(1).strip().translate(str.maketrans("", "", "\"'`$ "))
                if "#" in line.split("image:")[0] or "{{" in value or ".Values." in value:
                    continue
                name = value.split("/")[-1].split(":")[0]
                registry = "/".join(value.split("/")[:-1]) or self.default_registry
                tags.add(self.get_container(name, registry, version).tag)
        return tags


@dataclass
class Chart:
    chartfile: Path
    name: str
    version: str
    is_dag: bool
    kaapana_type: str
    container_tags: set
    dependencies: set


def _load_yaml(path: Path):
    if not path.exists():
        return None
    docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    if len(docs) > 1:
        raise BuildError(f"Expected a single YAML document in {path}, found {len(docs)}")
    return docs[0] if docs else None
