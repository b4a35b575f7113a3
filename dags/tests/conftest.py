import sys
from pathlib import Path

DAGS = Path(__file__).resolve().parents[1]
# Kaapana puts the dags folder on sys.path; the stubs stand in for airflow and the kaapana plugin.
sys.path[:0] = [str(DAGS / "files"), str(Path(__file__).resolve().parent / "stubs")]
