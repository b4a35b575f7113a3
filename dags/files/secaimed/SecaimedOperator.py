"""The one operator of the secaimed DAGs: a KaapanaBaseOperator that starts the bridge container.

The container (``secaimed kaapana run``) reads Kaapana's environment contract itself: the run's
conf.json, the service URLs, the project user's credentials. This class only decides what
Kaapana cannot infer: which kind of enclave task runs, which Secrets carry the site's trust
settings (site_settings), which network exceptions the pod needs, and how much memory it gets.
Checked against the real KaapanaBaseOperator of Kaapana 0.6.0 and 0.5.3 (dags/tests).
"""

from datetime import timedelta

from kaapana.blueprints.kaapana_global_variables import DEFAULT_REGISTRY, KAAPANA_BUILD_VERSION
from kaapana.operators.KaapanaBaseOperator import KaapanaBaseOperator
from secaimed.site_settings import copy_site_config, secret_env_refs

TASK_KINDS = ("segmentation", "training", "evaluation")

# Heap stays small because studies are streamed, never held whole; the limit leaves room for
# the JIT and direct buffers. Provisional until measured on a Kaapana node (dags/README.md).
DEFAULT_RAM_MB = 1536
DEFAULT_RAM_LIMIT_MB = 2048


class SecaimedOperator(KaapanaBaseOperator):
    """Runs one enclave task (segmentation, training or evaluation) for the run's series."""

    def __init__(
        self,
        dag,
        task_kind,
        name=None,
        ram_mem_mb=DEFAULT_RAM_MB,
        ram_mem_mb_lmt=DEFAULT_RAM_LIMIT_MB,
        execution_timeout=timedelta(hours=6),
        **kwargs,
    ):
        if task_kind not in TASK_KINDS:
            raise ValueError(f"task_kind must be one of {TASK_KINDS}, not {task_kind!r}")
        super().__init__(
            dag=dag,
            name=name or f"secaimed-{task_kind}",
            image=f"{DEFAULT_REGISTRY}/secaimed-operator:{KAAPANA_BUILD_VERSION}",
            image_pull_secrets=["registry-secret"],
            env_vars={"SECAIMED_TASK_KIND": task_kind},
            secrets=secret_env_refs(),
            # Project namespaces deny all egress: the enclave gateway is outside the cluster,
            # and the SEG goes back to CTP by C-STORE.
            labels={"network-access-external-ips": "true", "network-access-ctp": "true"},
            enable_proxy=True,
            no_proxy=".svc,.svc.cluster,.svc.cluster.local",
            ram_mem_mb=ram_mem_mb,
            ram_mem_mb_lmt=ram_mem_mb_lmt,
            # A retry resumes from the run journal and never resubmits or stores a second SEG, so
            # Kaapana must not wipe the output folder (journal, gateway checkpoint) at each try.
            delete_output_on_start=False,
            retries=2,
            retry_delay=timedelta(seconds=60),
            execution_timeout=execution_timeout,
            **kwargs,
        )

    def set_env_secrets(self):
        """Kaapana calls this at execute time, once the run's project namespace is known."""
        super().set_env_secrets()
        from kubernetes import client, config

        try:
            config.load_incluster_config()
        except config.ConfigException:
            config.load_kube_config()
        done = copy_site_config(client.CoreV1Api(), self.services_namespace, self.namespace)
        self.log.info("secaimed-config in %s: %s", self.namespace, done)
