package org.secaimed.kaapana.job;

import org.secaimed.connector.FailureMessages;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.CheckpointStore;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.dicom.dimse.DimseClient;
import org.secaimed.dicom.dimse.DimsePeer;
import org.secaimed.dicom.pipeline.BridgePipeline;
import org.secaimed.dicom.pipeline.CohortOutcome;
import org.secaimed.dicom.pipeline.DicomWebSeriesSource;
import org.secaimed.dicom.pipeline.DimseSegDestination;
import org.secaimed.dicom.pipeline.PipelineException;
import org.secaimed.dicom.pipeline.PipelineListener;
import org.secaimed.dicom.pipeline.SeriesOutcome;
import org.secaimed.dicom.web.DicomWebClient;
import org.secaimed.kaapana.auth.KeycloakAuthException;
import org.secaimed.kaapana.auth.TokenSource;
import org.secaimed.kaapana.operator.JobReport;
import org.secaimed.kaapana.operator.KaapanaEnvironment;
import org.secaimed.kaapana.operator.KaapanaEnvironmentException;
import org.secaimed.kaapana.operator.KaapanaJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's job: for every series of the run, the {@link BridgePipeline} with Kaapana's
 * parts plugged in — WADO-RS through dicom-web-filter with the project user's token in, C-STORE to
 * CTP with {@code kp-<dataset>} / {@code kp-<project>} out, site key and policy from the mounted
 * Secrets. Each series has its journal in {@code batch/<series>/<operator_out_dir>/}, so a
 * restarted pod resumes per series.
 */
public final class PipelineKaapanaJob implements KaapanaJob {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineKaapanaJob.class);

  @Override
  public JobReport run(KaapanaEnvironment env, TokenSource tokens) throws Exception {
    DicomWebClient dicomWeb = DicomWebClient.builder(env.dicomWebFilterUrl().toString())
        .bearerToken(() -> {
          try {
            return tokens.accessToken().value();
          } catch (KeycloakAuthException e) {
            throw new IllegalStateException("cannot get a Keycloak token for dicom-web-filter: " + e.getMessage(), e);
          }
        })
        .build();
    List<JobReport.SeriesOutcome> skipped = new ArrayList<>();
    List<String> seriesUids = new ArrayList<>(env.seriesUids());
    if (env.formString("modality").isPresent()) {
      new ModalityCheck(dicomWeb).mismatches(env.seriesUids(), env.formString("modality").get()).forEach((uid, why) -> {
        LOG.info("series {} skipped: {}", uid, why);
        skipped.add(new JobReport.SeriesOutcome(uid, JobReport.Status.SKIPPED, why));
        seriesUids.remove(uid);
      });
      if (seriesUids.isEmpty()) return new JobReport(skipped);
    }
    KemKeyPair siteKey = KemKeys.parsePrivateKey(env.site().siteKeyJson(), "SECAIMED_SITE_KEY");
    Policy policy = Policy.parse(env.site().policyYaml());
    Path runDir = env.runOutputDir();
    GatewaySession gateway = GatewaySession.builder(env.site().gatewayUrl())
        .policy(policy)
        .site(siteKey) // the same Secret: the signing key is derived from it (docs/gateway-protocol.md "Parties")
        .checkpointStore(checkpointStore(env))
        .siteCollateral(env.siteCollateral()) // the gateway's collateral is only a hint
        .workDir(runDir.resolve("tmp"))
        .build();
    TaskReceipt.Algorithm algorithm = BridgePipeline.resolveAlgorithm(gateway, env.algorithm(), null);

    var calling = env.aeTitles().calling();
    var called = env.aeTitles().called();
    DimseClient ctp = new DimseClient(calling, new DimsePeer(env.pacsHost(), env.pacsPort(), called));

    BridgePipeline pipeline = BridgePipeline.builder()
        .gateway(gateway)
        .siteKey(siteKey)
        .source(new DicomWebSeriesSource(dicomWeb))
        .destination(new DimseSegDestination(ctp))
        .algorithm(algorithm)
        .parameters(taskParameters(env))
        .listener(new LoggingListener())
        .sealedInputs(new org.secaimed.connector.provenance.SealedInputs(env.provenanceStoreDir()))
        .build();

    if (env.taskKind() != KaapanaEnvironment.TaskKind.SEGMENTATION) {
      return runCohort(env, tokens, pipeline, seriesUids, skipped);
    }

    List<JobReport.SeriesOutcome> outcomes = new ArrayList<>(skipped);
    for (String series : seriesUids) {
      try {
        SeriesOutcome o = pipeline.segmentSeries(series, env.seriesOutputDir(series));
        outcomes.add(new JobReport.SeriesOutcome(series, JobReport.Status.DONE,
            "task " + o.taskId() + ", SEG " + o.segSopInstanceUid() + ", log index " + o.logIndex()
                + (o.resumedSteps().isEmpty() ? "" : ", resumed " + o.resumedSteps())));
      } catch (PipelineException e) {
        LOG.error("series {} failed: {}", series, e.getMessage());
        outcomes.add(new JobReport.SeriesOutcome(series, JobReport.Status.FAILED, e.getMessage()));
      } catch (IOException | RuntimeException e) {
        LOG.error("series {} failed: {}", series, FailureMessages.of(e), e);
        outcomes.add(new JobReport.SeriesOutcome(series, JobReport.Status.FAILED, FailureMessages.of(e)));
      }
    }
    return new JobReport(outcomes);
  }

  /** The site-wide store every run shares, with the log origins the site accepted recorded as transitions. */
  static CheckpointStore checkpointStore(KaapanaEnvironment env) throws IOException, KaapanaEnvironmentException {
    CheckpointStore store = new CheckpointStore(env.checkpointStoreDir());
    for (String origin : env.acceptedLogOrigins()) {
      store.acceptOrigin(origin, null, "listed in SECAIMED_ACCEPT_LOG_ORIGINS");
    }
    return store;
  }

  /** Training and evaluation: one task over every series of the run, each with its reference SEGs. */
  private static JobReport runCohort(KaapanaEnvironment env, TokenSource tokens, BridgePipeline pipeline, List<String> seriesUids,
      List<JobReport.SeriesOutcome> skipped) {
    String kind = env.taskKind().name().toLowerCase(java.util.Locale.ROOT);
    try {
      CohortOutcome o = pipeline.runCohort(kind, seriesUids, env.runOutputDir().resolve(kind));
      String detail = "task " + o.taskId() + (o.modelId() == null ? "" : ", model " + o.modelId()) + ", log index " + o.logIndex()
          + ", metrics " + o.metrics() + publishReport(env, tokens, o);
      return report(skipped, seriesUids, JobReport.Status.DONE, detail);
    } catch (IOException | RuntimeException e) {
      LOG.error("{} failed: {}", kind, e.getMessage());
      String detail = FailureMessages.of(e);
      return report(skipped, seriesUids, JobReport.Status.FAILED, detail);
    }
  }

  /**
   * The report in the project's bucket under staticwebsiteresults/ (Kaapana's Results Browser), when
   * the pod knows MinIO. A failed upload is reported, not fatal: the outcome is in the enclave's log.
   */
  private static String publishReport(KaapanaEnvironment env, TokenSource tokens, CohortOutcome o) {
    String minio = env.minioUrl().orElse(null);
    if (minio == null) return "";
    try {
      okhttp3.OkHttpClient http = new okhttp3.OkHttpClient();
      okhttp3.HttpUrl url = okhttp3.HttpUrl.get(minio);
      var credentials = org.secaimed.kaapana.report.MinioSts.assumeRoleWithWebIdentity(http, url, tokens.accessToken().value());
      String bucket = env.project().s3Bucket() != null ? env.project().s3Bucket() : "project-" + env.project().name();
      String folder = new org.secaimed.kaapana.report.TaskReport(env.runId(), env.dagId(), env.project().name(), o)
          .publish(new org.secaimed.kaapana.report.S3ObjectWriter(http, url, credentials), bucket);
      LOG.info("report: s3://{}/{}", bucket, folder);
      return ", report s3://" + bucket + "/" + folder;
    } catch (IOException | RuntimeException e) {
      LOG.error("report not published: {}", e.getMessage());
      return ", report not published (" + e.getMessage() + ")";
    }
  }

  private static JobReport report(List<JobReport.SeriesOutcome> skipped, List<String> series, JobReport.Status status, String detail) {
    List<JobReport.SeriesOutcome> all = new ArrayList<>(skipped);
    series.forEach(s -> all.add(new JobReport.SeriesOutcome(s, status, detail)));
    return new JobReport(all);
  }

  /**
   * The algorithm parameters a user may set in the workflow form: the model to use ({@code model})
   * and, for training, {@code epochs} as the classifier's iterations. Nothing else passes through.
   */
  static Map<String, String> taskParameters(KaapanaEnvironment env) {
    Map<String, String> p = new java.util.LinkedHashMap<>();
    env.formString("model").filter(v -> !v.isBlank()).ifPresent(v -> p.put("model", v));
    if (env.taskKind() == KaapanaEnvironment.TaskKind.TRAINING) {
      env.formString("epochs").filter(v -> !v.isBlank()).ifPresent(v -> p.put("iterations", v));
    }
    return p;
  }

  /** Kaapana shows the container log in the Airflow UI: one line per step, identifiers only. */
  static final class LoggingListener implements PipelineListener {
    /** Kaapana shows the pod's log, not a terminal: throttled plain progress lines on stderr. */
    private final org.secaimed.kaapana.cli.ProgressRenderer progress = new org.secaimed.kaapana.cli.ProgressRenderer(
        org.secaimed.kaapana.cli.ProgressRenderer.Mode.LINES, new java.io.PrintWriter(java.io.OutputStream.nullOutputStream()),
        new java.io.PrintWriter(System.err, true), System::nanoTime);

    @Override
    public void instanceSealed(int count, long plaintextBytes) {
      progress.instanceSealed(count, plaintextBytes);
    }

    @Override
    public void taskProgress(String taskId, String state, double fraction) {
      progress.taskProgress(taskId, state, fraction);
    }

    @Override
    public void stepFinished(PipelineException.Step step, String detail) {
      LOG.info("{}: {}", step, detail);
    }

    @Override
    public void stepResumed(PipelineException.Step step, String detail) {
      LOG.info("{}: resumed from journal: {}", step, detail);
    }
  }
}
