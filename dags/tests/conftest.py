import sys
from pathlib import Path

import pytest

import kaapana_release

DAGS = Path(__file__).resolve().parents[1]
# Kaapana puts the dags folder on sys.path; stubs/ stands in for Airflow (not installable here).
sys.path[:0] = [str(DAGS / "files"), str(Path(__file__).resolve().parent / "stubs"),
                str(Path(__file__).resolve().parent)]


@pytest.fixture(params=kaapana_release.RELEASES, ids=lambda r: f"kaapana-{r}")
def release(request, tmp_path_factory):
    """The DAG files' view of one real Kaapana release (see kaapana_release.py)."""
    root = tmp_path_factory.mktemp(f"kaapana-{request.param}")
    kaapana_release.activate(kaapana_release.build(request.param, root))
    return request.param
