"""NOT Kaapana: stub globals (the real ones come from Airflow's environment)."""

DEFAULT_REGISTRY = "registry.stub.invalid/kaapana"
KAAPANA_BUILD_VERSION = "0.0.0-stub"
