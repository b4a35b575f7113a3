"""Segment the chosen series inside an attested enclave and file the DICOM SEG in the project."""

from datetime import datetime, timedelta, timezone

from airflow import DAG
from kaapana.operators.LocalWorkflowCleanerOperator import LocalWorkflowCleanerOperator
from secaimed.SecaimedOperator import SecaimedOperator
from secaimed.ui_forms import MODEL, workflow_form

ui_forms = {
    "workflow_form": workflow_form(extra={"model": MODEL}, single_execution_default=True),
}

args = {
    "ui_visible": True,
    "ui_forms": ui_forms,
    "owner": "kaapana",
    "start_date": datetime(2025, 12, 18, tzinfo=timezone.utc),
    "retries": 0,
    "retry_delay": timedelta(seconds=30),
}

dag = DAG(
    dag_id="enclave-segmentation",
    default_args=args,
    schedule=None,
    catchup=False,
    max_active_runs=5,
    max_active_tasks=10,
    tags=["secaimed", "enclave", "segmentation"],
)

segment = SecaimedOperator(dag=dag, task_kind="segmentation")
# Removes the run's conf ConfigMap (0.6.0) and Airflow-side run folder once the task succeeded.
clean = LocalWorkflowCleanerOperator(dag=dag, clean_workflow_dir=True)
segment >> clean
