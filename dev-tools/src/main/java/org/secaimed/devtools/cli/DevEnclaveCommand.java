package org.secaimed.devtools.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.kaapana.cli.CliFailure;
import org.secaimed.kaapana.cli.ErrorReport;
import org.secaimed.kaapana.cli.SecaimedCli;
import org.secaimed.kaapana.cli.Usage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code secaimed dev-enclave}: runs the INSECURE development enclave gateway until interrupted.
 * Options are checked before anything is created; one process at a time owns a {@code --state}
 * folder (a file lock); every line it prints says INSECURE (DESIGN §6 invariant 7).
 */
@Command(name = "dev-enclave", mixinStandardHelpOptions = true,
    description = {"Run the INSECURE development enclave gateway (software keys, no TEE) on 127.0.0.1.",
        "Its state (keys, blobs, tasks, results, log) lives in --state and survives restarts; one process at a time uses a state folder.",
        "Only a policy with allowInsecureDevEnclave: true accepts it. Never send real patient data to it."})
public final class DevEnclaveCommand implements Callable<Integer> {
  static final String PREFIX = "INSECURE dev enclave: ";
  static final String LOCK_FILE = ".dev-enclave.lock";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", description = "TCP port 0..65535 (default ${DEFAULT-VALUE}; 0 = any free port)")
  int port = 8443;

  @Option(names = "--state", paramLabel = "DIR", description = "state folder (default ${DEFAULT-VALUE})")
  Path state = Path.of("dev-enclave-state");

  @Option(names = "--workers", description = "concurrent tasks 1..64 (default ${DEFAULT-VALUE})")
  int workers = 2;

  @Option(names = "--kem-suite", paramLabel = "SUITE",
      description = "HPKE suite of a new state's enclave key: xwing-sha256-aes256gcm (default), x25519-sha256-aes256gcm, p256-sha256-aes256gcm; an existing state keeps its key")
  String kemSuite;

  /** Held for the life of the process; the OS releases it when the process ends, however it ends. */
  private FileChannel lockChannel;

  @Override
  public Integer call() throws Exception {
    Usage.range(spec, "--port", port, 0, 65535);
    Usage.range(spec, "--workers", workers, 1, 64);
    HpkeSuite suite;
    try {
      suite = kemSuite == null ? null : HpkeSuite.fromLabel(kemSuite);
    } catch (IllegalArgumentException e) {
      throw Usage.error(spec, "--kem-suite", e.getMessage());
    }
    if (Files.exists(state) && !Files.isDirectory(state)) {
      throw new CliFailure("NOT_A_FOLDER", PREFIX + "--state " + state + " is a file, not a folder", "--state");
    }
    // Every line on stderr says INSECURE, including the web server's own warnings.
    System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "off");
    PrintStream originalErr = System.err;
    System.setErr(new InsecureLines(originalErr));
    try {
      lock(state);
      HpkeSuite effective = keySuite(state, suite);
      EnclaveServer.Config c = EnclaveServer.Config.defaults(state).withPort(port).withKemSuite(effective).withWorkers(workers);
      DevEnclave enclave = DevEnclave.start(c);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.err.println("INSECURE dev enclave stopping");
        enclave.close();
        stopped.countDown();
      }));
      stopped.await();
      return SecaimedCli.EXIT_OK;
    } catch (CliFailure | CommandLine.ParameterException e) {
      System.setErr(originalErr);
      throw e;
    } catch (Exception e) {
      System.setErr(originalErr);
      ErrorReport r = ErrorReport.of(e);
      throw new CliFailure(r.code(), PREFIX + r.line(), r.field(), e);
    }
  }

  /** One dev enclave per state folder: two would interleave appends to one log and one task store. */
  void lock(Path dir) throws IOException {
    Files.createDirectories(dir);
    FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new CliFailure("STATE_IN_USE", PREFIX + "--state " + dir + " is in use by another dev enclave; stop it or choose another --state", "--state");
    }
    lockChannel = ch;
  }

  /** The suite of the key the state already holds (a different --kem-suite is refused), else the requested one. */
  static HpkeSuite keySuite(Path dir, HpkeSuite requested) throws IOException {
    Path key = dir.resolve("keys").resolve("kem-private.json");
    if (!Files.exists(key)) return requested == null ? HpkeSuite.DEFAULT : requested;
    HpkeSuite existing = KemKeys.readPrivateKey(key).suite();
    if (requested != null && requested != existing) {
      throw new CliFailure("SUITE_MISMATCH", PREFIX + "--state " + dir + " holds a " + existing.label() + " enclave key; --kem-suite "
          + requested.label() + " cannot change it (choose a new --state folder)", "--kem-suite");
    }
    return existing;
  }

  /** Standard error that marks every line INSECURE that does not say so already. */
  static final class InsecureLines extends PrintStream {
    private final PrintStream target;
    private final StringBuilder line = new StringBuilder();

    InsecureLines(PrintStream target) {
      super(target, true);
      this.target = target;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String text = line.toString();
        line.setLength(0);
        target.println(text.contains("INSECURE") ? text : PREFIX + text);
      } else {
        line.append((char) b);
      }
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) {
      String s = new String(buf, off, len, java.nio.charset.StandardCharsets.UTF_8);
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\n') write('\n');
        else line.append(c);
      }
    }

    @Override
    public synchronized void flush() {
      target.flush();
    }
  }
}
