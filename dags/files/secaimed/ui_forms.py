"""Workflow-form fields shared by the secaimed DAGs.

Every key becomes an upper-cased environment variable of the operator and is copied into
conf.json, so no field carries a secret, a path or a URL: the gateway is chosen by profile
name only, and the profiles live in the secaimed-config Secret the chart renders.
"""

ALGORITHM = {
    "title": "Algorithm",
    "description": "Algorithm id from the enclave gateway's catalogue (secaimed algorithms lists them).",
    "type": "string",
    "pattern": "^[a-z0-9][a-z0-9._-]{0,63}$",
    "required": True,
}

GATEWAY_PROFILE = {
    "title": "Enclave gateway",
    "description": "Gateway profile configured by the site administrator (gateway URL and attestation policy).",
    "type": "string",
    "default": "default",
    "pattern": "^[a-z0-9][a-z0-9-]{0,31}$",
    "required": True,
}

RESULT_DATASET = {
    "title": "Result dataset",
    "description": (
        "Dataset the results are filed under (AE title kp-<name>, at most 13 characters). Empty: the workflow name."
    ),
    "type": "string",
    "pattern": "^[A-Za-z0-9._-]{0,13}$",
}


MODALITY = {
    "title": "Input modality",
    "description": "Series of another modality are skipped (as Kaapana's check_modality does); empty: no check.",
    "type": "string",
    "default": "CT",
    "pattern": "^([A-Z]{2,16})?$",
}


# An enclave-held model from an earlier training run (the training run's log names its id).
MODEL = {
    "title": "Model id",
    "description": "Id of a model the enclave trained earlier; empty uses the algorithm as shipped.",
    "type": "string",
    "pattern": "^([A-Za-z0-9][A-Za-z0-9._:-]{0,127})?$",
}


def single_execution(default, read_only=False):
    return {
        "title": "Single execution",
        "description": "One workflow run per series instead of one run for all.",
        "type": "boolean",
        "default": default,
        "readOnly": read_only,
    }


def workflow_form(extra=None, single_execution_default=True, single_execution_read_only=False):
    properties = {
        "algorithm": dict(ALGORITHM),
        "gateway_profile": dict(GATEWAY_PROFILE),
        "aetitle": dict(RESULT_DATASET),
        "modality": dict(MODALITY),
        "single_execution": single_execution(single_execution_default, single_execution_read_only),
    }
    properties.update(extra or {})
    return {"type": "object", "properties": properties}
