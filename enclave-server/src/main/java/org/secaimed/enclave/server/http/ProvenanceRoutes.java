package org.secaimed.enclave.server.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.enclave.server.provenance.ModelProvenanceService;
import org.secaimed.enclave.server.state.StateDir;

/**
 * {@code GET /v1/models/{modelId}/provenance} (signed request; the signer must have contributed
 * training data to the model): the model's lineage and every later use, with proofs; and
 * {@code GET /v1/blobs/{blobId}/uses} (the input's owner only): every task that used the input
 * (docs/provenance.md).
 */
public final class ProvenanceRoutes {
  private final ModelProvenanceService service;

  public ProvenanceRoutes(ModelProvenanceService service) {
    this.service = service;
  }

  public void register(Javalin app) {
    app.get("/v1/models/{modelId}/provenance", this::model);
    app.get("/v1/blobs/{blobId}/uses", this::inputUses);
  }

  private void inputUses(Context ctx) throws Exception {
    try {
      var report = service.inputUses(ctx.pathParam("blobId"), RequestAuthenticator.party(ctx));
      ctx.status(200).contentType("application/json").result(StateDir.json().writeValueAsBytes(report));
    } catch (RequestRefusedException e) {
      throw Problem.refused(e);
    }
  }

  private void model(Context ctx) throws Exception {
    try {
      var report = service.report(ctx.pathParam("modelId"), RequestAuthenticator.party(ctx));
      ctx.status(200).contentType("application/json").result(StateDir.json().writeValueAsBytes(report));
    } catch (RequestRefusedException e) {
      throw Problem.refused(e);
    }
  }
}
