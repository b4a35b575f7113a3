package org.secaimed.devtools.cli;

import org.secaimed.kaapana.cli.SecaimedCli;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.devtools.enclave.DevEnclave;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secaimed dev-enclave}: runs the INSECURE development enclave gateway until interrupted. */
@Command(name = "dev-enclave", mixinStandardHelpOptions = true,
    description = {"Run the INSECURE development enclave gateway (software keys, no TEE) on 127.0.0.1.",
        "Its state (keys, blobs, tasks, results, log) lives in --state and survives restarts.",
        "Only a policy with allowInsecureDevEnclave: true accepts it. Never send real patient data to it."})
public final class DevEnclaveCommand implements Callable<Integer> {
  @Option(names = "--port", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free port)")
  int port = 8443;

  @Option(names = "--state", paramLabel = "DIR", description = "state folder (default ${DEFAULT-VALUE})")
  Path state = Path.of("dev-enclave-state");

  @Option(names = "--workers", description = "concurrent tasks (default ${DEFAULT-VALUE})")
  int workers = 2;

  @Option(names = "--kem-suite", description = "HPKE suite of the enclave key: xwing-sha256-aes256gcm (default), x25519-sha256-aes256gcm, p256-sha256-aes256gcm")
  String kemSuite = HpkeSuite.DEFAULT.label();

  @Override
  public Integer call() throws Exception {
    // Every line the dev enclave prints must say INSECURE; the web server's own INFO lines do not.
    System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "warn");
    EnclaveServer.Config c = EnclaveServer.Config.defaults(state).withPort(port).withKemSuite(HpkeSuite.fromLabel(kemSuite))
        .withWorkers(workers);
    DevEnclave enclave = DevEnclave.start(c);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("INSECURE dev enclave stopping");
      enclave.close();
      stopped.countDown();
    }));
    stopped.await();
    return SecaimedCli.EXIT_OK;
  }
}
