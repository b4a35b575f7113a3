"""NOT Kaapana: stub KaapanaBaseOperator with the 0.6.0 constructor's parameter names.

Parameters it does not know raise TypeError, as the real class would when passing them to
Airflow's BaseOperator. Values are recorded for the tests.
"""

from datetime import timedelta

from airflow.models import BaseOperator

_PARAMS = {
    "name", "image", "input_operator", "operator_in_dir", "operator_out_dir", "task_id", "parallel_id",
    "keep_parallel_id", "trigger_rule", "ram_mem_mb", "ram_mem_mb_lmt", "cpu_millicores", "cpu_millicores_lmt",
    "gpu_mem_mb", "gpu_mem_mb_lmt", "retries", "retry_delay", "execution_timeout", "max_active_tis_per_dag",
    "manage_cache", "allow_federated_learning", "whitelist_federated_learning", "delete_input_on_success",
    "delete_output_on_start", "enable_proxy", "no_proxy", "batch_name", "airflow_workflow_dir", "cmds", "arguments",
    "env_vars", "image_pull_secrets", "priority_weight", "priority_class_name", "startup_timeout_seconds",
    "namespace", "image_pull_policy", "pod_resources", "in_cluster", "cluster_context", "labels", "get_logs",
    "annotations", "affinity", "config_file", "xcom_push", "node_selectors", "tolerations", "secrets", "kind",
    "pool", "pool_slots", "api_version", "dev_server", "display_name",
}


class KaapanaBaseOperator(BaseOperator):
    def __init__(self, dag, name, **kwargs):
        unknown = set(kwargs) - _PARAMS
        if unknown:
            raise TypeError(f"KaapanaBaseOperator got unexpected keyword arguments {sorted(unknown)}")
        if kwargs.get("input_operator") is not None and kwargs.get("operator_in_dir") is not None:
            raise ValueError("input_operator and operator_in_dir are exclusive")
        self.name = name
        self.image = kwargs.get("image")
        self.env_vars = dict(kwargs.get("env_vars") or {})
        self.labels = dict(kwargs.get("labels") or {})
        self.secrets = list(kwargs.get("secrets") or [])
        self.ram_mem_mb = kwargs.get("ram_mem_mb", 500)
        self.ram_mem_mb_lmt = kwargs.get("ram_mem_mb_lmt")
        self.enable_proxy = kwargs.get("enable_proxy", False)
        self.operator_out_dir = kwargs.get("operator_out_dir") or kwargs.get("task_id") or name
        self.params = kwargs
        super().__init__(
            task_id=kwargs.get("task_id") or name,
            dag=dag,
            retries=kwargs.get("retries", 1),
            retry_delay=kwargs.get("retry_delay", timedelta(seconds=30)),
            execution_timeout=kwargs.get("execution_timeout", timedelta(minutes=90)),
        )
