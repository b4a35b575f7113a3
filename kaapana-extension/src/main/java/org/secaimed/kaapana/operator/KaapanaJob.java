package org.secaimed.kaapana.operator;

import org.secaimed.kaapana.auth.TokenSource;

/**
 * The work of one operator run: the bridge pipeline, implemented outside this package and found
 * through {@link java.util.ServiceLoader} (a {@code META-INF/services/org.secaimed.kaapana.operator.KaapanaJob}
 * entry). The operator entry point parses and checks the environment, obtains tokens, calls
 * {@link #run}, and maps the report to Kaapana's exit codes ({@link JobReport#exitCode()}).
 */
public interface KaapanaJob {
  /**
   * Runs the job for every series of {@code env}. Must be safe to call again after a crash
   * (resume from a journal under {@link KaapanaEnvironment#runOutputDir()}).
   *
   * @param tokens bearer tokens for dicom-web-filter and the backend (cached, refreshed)
   */
  JobReport run(KaapanaEnvironment env, TokenSource tokens) throws Exception;
}
