"""NOT Airflow: a test double of the few names the secaimed DAGs import.

Airflow cannot be installed here (no wheel in the local index), so dags/tests imports the DAG
files against this stub. It records what a DAG file builds and rejects arguments the real
Airflow 2.11 would not accept; it proves nothing about Airflow's own behaviour.
"""

STUB = True

from airflow.models import DAG  # noqa: E402,F401  (Airflow 2 and 3 both export DAG at the top level)
