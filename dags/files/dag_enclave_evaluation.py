"""Evaluate an algorithm or an enclave-held model against the series' reference SEGs; only metrics come back."""

from datetime import datetime, timedelta, timezone

from airflow import DAG
from kaapana.operators.LocalWorkflowCleanerOperator import LocalWorkflowCleanerOperator
from secaimed.SecaimedOperator import SecaimedOperator
from secaimed.ui_forms import MODEL, workflow_form

ui_forms = {
    "workflow_form": workflow_form(
        extra={
            "model": MODEL,
        },
        single_execution_default=False,
        single_execution_read_only=True,
    ),
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
    dag_id="enclave-evaluation",
    default_args=args,
    schedule=None,
    catchup=False,
    max_active_runs=2,
    max_active_tasks=2,
    tags=["secaimed", "enclave", "evaluation"],
)

evaluate = SecaimedOperator(dag=dag, task_kind="evaluation", execution_timeout=timedelta(hours=12))
# Removes the run's conf ConfigMap (0.6.0) and Airflow-side run folder once the task succeeded.
clean = LocalWorkflowCleanerOperator(dag=dag, clean_workflow_dir=True)
evaluate >> clean
