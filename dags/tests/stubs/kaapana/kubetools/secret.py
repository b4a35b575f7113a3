"""NOT Kaapana: stub of kaapana.kubetools.secret.Secret (deploy_type, deploy_target, secret, key)."""


class Secret:
    def __init__(self, deploy_type, deploy_target, secret, key=None):
        if deploy_type not in ("env", "volume"):
            raise ValueError(f"deploy_type must be env or volume, not {deploy_type!r}")
        if deploy_type == "volume" and not str(deploy_target).startswith("/"):
            raise ValueError("a volume secret needs an absolute mount path")
        self.deploy_type = deploy_type
        self.deploy_target = deploy_target
        self.secret = secret
        self.key = key
