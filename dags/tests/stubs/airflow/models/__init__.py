"""NOT Airflow: stub DAG and BaseOperator (see airflow/__init__.py)."""

import logging
from datetime import timedelta

STUB = True

# Keyword arguments of airflow.models.DAG in Airflow 2.11 that these DAGs may use.
_DAG_KWARGS = {
    "dag_id", "description", "schedule", "start_date", "end_date", "default_args", "max_active_tasks",
    "max_active_runs", "catchup", "tags", "params", "doc_md", "dagrun_timeout", "is_paused_upon_creation",
    "render_template_as_native_obj", "owner_links", "max_consecutive_failed_dag_runs",
}
# BaseOperator keyword arguments (subset of Airflow 2.11) a KaapanaBaseOperator passes through.
_OPERATOR_KWARGS = {
    "task_id", "owner", "retries", "retry_delay", "execution_timeout", "trigger_rule", "pool", "pool_slots",
    "priority_weight", "max_active_tis_per_dag", "depends_on_past", "doc_md",
}

DAGS = {}


class DAG:
    def __init__(self, dag_id, **kwargs):
        unknown = set(kwargs) - _DAG_KWARGS
        if unknown:
            raise TypeError(f"DAG got unexpected keyword arguments {sorted(unknown)}")
        if dag_id in DAGS:
            raise ValueError(f"duplicate dag_id {dag_id}")
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.default_args = kwargs.get("default_args", {})
        self.tasks = {}
        DAGS[dag_id] = self

    def add_task(self, task):
        if task.task_id in self.tasks:
            raise ValueError(f"duplicate task_id {task.task_id} in {self.dag_id}")
        self.tasks[task.task_id] = task


class BaseOperator:
    def __init__(self, task_id, dag=None, **kwargs):
        unknown = set(kwargs) - _OPERATOR_KWARGS
        if unknown:
            raise TypeError(f"BaseOperator got unexpected keyword arguments {sorted(unknown)}")
        if dag is None:
            raise ValueError(f"task {task_id} has no dag")
        for key in ("retry_delay", "execution_timeout"):
            if kwargs.get(key) is not None and not isinstance(kwargs[key], timedelta):
                raise TypeError(f"{key} must be a timedelta")
        self.task_id = task_id
        self.dag = dag
        self.log = logging.getLogger(f"airflow.task.{task_id}")
        self.downstream = []
        self.kwargs = kwargs
        dag.add_task(self)

    def __rshift__(self, other):
        for o in other if isinstance(other, list) else [other]:
            self.downstream.append(o)
        return other
