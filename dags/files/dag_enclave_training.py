"""Train a model on the chosen series inside an attested enclave; only metrics and a model digest come back."""

from datetime import datetime, timedelta, timezone

from airflow import DAG
from kaapana.operators.LocalWorkflowCleanerOperator import LocalWorkflowCleanerOperator
from secaimed.SecaimedOperator import SecaimedOperator
from secaimed.ui_forms import workflow_form

ui_forms = {
    "workflow_form": workflow_form(
        extra={
            "epochs": {
                "title": "Epochs",
                "description": "Training iterations; the enclave names the model and reports its id.",
                "type": "integer",
                "default": 50,
                "minimum": 1,
                "maximum": 10000,
            },
        },
        # Training uses the cohort as a whole.
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
    dag_id="enclave-training",
    default_args=args,
    schedule=None,
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,
    tags=["secaimed", "enclave", "training"],
)

train = SecaimedOperator(dag=dag, task_kind="training", execution_timeout=timedelta(hours=48))
# Removes the run's conf ConfigMap (0.6.0) and Airflow-side run folder once the task succeeded.
clean = LocalWorkflowCleanerOperator(dag=dag, clean_workflow_dir=True)
train >> clean
