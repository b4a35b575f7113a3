"""The one operator of the secaimed DAGs: a KaapanaBaseOperator that starts the bridge container.

The container (``secaimed kaapana run``) reads Kaapana's environment contract itself: the run's
conf.json, the service URLs, the project user's credentials. This class only decides what
Kaapana cannot infer: which kind of enclave task runs, where the site's trust settings are
mounted from, which network exceptions the pod needs, and how much memory it gets.
"""

from datetime import timedelta

from kaapana.blueprints.kaapana_global_variables import DEFAULT_REGISTRY, KAAPANA_BUILD_VERSION
from kaapana.kubetools.secret import Secret
from kaapana.operators.KaapanaBaseOperator import KaapanaBaseOperator

TASK_KINDS = ("segmentation", "training", "evaluation")

# Mount points; the Java side reads the same defaults (KaapanaEnvironment).
CONFIG_DIR = "/kaapana/secaimed/config"
KEYS_DIR = "/kaapana/secaimed/keys"
# Created by the chart in each project namespace (config) and by the site's key ceremony (keys).
CONFIG_SECRET = "secaimed-config"
KEYS_SECRET = "secaimed-site-keys"

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
            env_vars={
                "SECAIMED_TASK_KIND": task_kind,
                "SECAIMED_CONFIG_DIR": CONFIG_DIR,
                "SECAIMED_KEYS_DIR": KEYS_DIR,
            },
            secrets=[
                Secret("volume", CONFIG_DIR, CONFIG_SECRET),
                Secret("volume", KEYS_DIR, KEYS_SECRET),
            ],
            # Project namespaces deny all egress: the enclave gateway is outside the cluster,
            # and the SEG goes back to CTP by C-STORE.
            labels={"network-access-external-ips": "true", "network-access-ctp": "true"},
            enable_proxy=True,
            no_proxy=".svc,.svc.cluster,.svc.cluster.local",
            ram_mem_mb=ram_mem_mb,
            ram_mem_mb_lmt=ram_mem_mb_lmt,
            # A retry resumes from the run journal and never resubmits or stores a second SEG.
            retries=2,
            retry_delay=timedelta(seconds=60),
            execution_timeout=execution_timeout,
            **kwargs,
        )
