"""How the site's settings reach the operator pod, the way each Kaapana release allows it.

Two Secrets in the run's project namespace, each exposed as one environment variable through a
secret key reference (Kaapana 0.6.0 removed ``kaapana.kubetools.secret``; its ``secrets`` argument
is a list of ``kubernetes.client.V1EnvVar``; 0.5.x takes ``Secret("env", var, secret, key)``):

- ``secaimed-config`` / ``site-config.json`` -> ``SECAIMED_SITE_CONFIG``: gateway profiles (URL and
  attestation policy) and the default algorithm, rendered by the chart from its extension_params;
- ``secaimed-site-keys`` / ``site-key.json`` -> ``SECAIMED_SITE_KEY``: the site's private key,
  created once per project by the site administrator (docs/kaapana.md).

Pods can only reference Secrets of their own namespace, and Kaapana creates project namespaces at
any time. The chart therefore keeps the site's copy of ``secaimed-config`` in the services
namespace, and ``copy_site_config`` puts it into the run's project namespace before the pod starts
(Airflow already creates the run's ConfigMap there).
"""

CONFIG_SECRET = "secaimed-config"
CONFIG_KEY = "site-config.json"
CONFIG_ENV = "SECAIMED_SITE_CONFIG"
KEYS_SECRET = "secaimed-site-keys"
KEYS_KEY = "site-key.json"
KEYS_ENV = "SECAIMED_SITE_KEY"
SECRET_REFS = ((CONFIG_ENV, CONFIG_SECRET, CONFIG_KEY), (KEYS_ENV, KEYS_SECRET, KEYS_KEY))
MANAGED_BY = "secaimed-operator"


def secret_env_refs():
    """The ``secrets`` argument for KaapanaBaseOperator of the running Kaapana release."""
    try:
        from kaapana.kubetools.secret import Secret  # Kaapana 0.5.x
    except ImportError:  # 0.6.0: kubetools.secret is gone, secrets are V1EnvVar
        from kubernetes import client

        return [
            client.V1EnvVar(
                name=env,
                value_from=client.V1EnvVarSource(
                    secret_key_ref=client.V1SecretKeySelector(name=secret, key=key)
                ),
            )
            for env, secret, key in SECRET_REFS
        ]
    return [Secret("env", env, secret, key) for env, secret, key in SECRET_REFS]


def copy_site_config(api, services_namespace, project_namespace):
    """Copies the site's ``secaimed-config`` into a project namespace, creating or updating it.

    ``api`` is a ``kubernetes.client.CoreV1Api``. Returns what was done ("created", "updated",
    "unchanged", "site"). A missing site copy is not an error here: the pod then fails with a
    message naming the Secret, which is clearer than an Airflow stack trace.
    """
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    if project_namespace == services_namespace:
        return "site"
    try:
        site = api.read_namespaced_secret(CONFIG_SECRET, services_namespace)
    except ApiException as e:
        if e.status == 404:
            return "missing"
        raise
    body = client.V1Secret(
        metadata=client.V1ObjectMeta(
            name=CONFIG_SECRET, namespace=project_namespace,
            labels={"app.kubernetes.io/managed-by": MANAGED_BY}),
        type="Opaque",
        data=dict(site.data or {}),
    )
    try:
        current = api.read_namespaced_secret(CONFIG_SECRET, project_namespace)
    except ApiException as e:
        if e.status != 404:
            raise
        api.create_namespaced_secret(project_namespace, body)
        return "created"
    if dict(current.data or {}) == body.data:
        return "unchanged"
    api.replace_namespaced_secret(CONFIG_SECRET, project_namespace, body)
    return "updated"
