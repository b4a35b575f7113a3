package org.secaimed.enclave.server.algorithms.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.secaimed.enclave.server.algorithms.Algorithm;
import org.secaimed.enclave.server.algorithms.AlgorithmDescriptor;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.enclave.server.algorithms.Cancellation;
import org.secaimed.enclave.server.algorithms.Parameters;
import org.secaimed.enclave.server.algorithms.ProgressListener;
import org.secaimed.enclave.server.algorithms.Segmentation;
import org.secaimed.enclave.server.algorithms.Segmenter;
import org.secaimed.enclave.server.algorithms.TaskKind;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.labelmap.LabelMapAlignment;
import org.secaimed.dicom.labelmap.LabelMapException;
import org.secaimed.dicom.labelmap.LabelMapFiles;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.ImageVolume;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * Runs a configured external segmentation program (a site's nnU-Net or TotalSegmentator) on the
 * decrypted image, the way docs/algorithms.md describes: a private working directory (owner-only,
 * deleted afterwards, also on failure) holds {@code input/image.nii.gz}; the program writes
 * {@code output/labels.nii.gz} (or .nii / .nrrd) on the same grid; its exit status, a timeout and
 * cancellation are enforced. The program sees a minimal environment and never the enclave's.
 * Its stdout/stderr stay in the working directory and are deleted with it: they may hold patient data.
 */
public final class CommandAlgorithm implements Algorithm {

  /**
   * What to run. {@code command} is the argument vector; placeholders {@code {input}},
   * {@code {inputDir}}, {@code {output}} and {@code {outputDir}} are replaced by paths in the
   * working directory. {@code segments} describe the label values the program writes.
   */
  public record Config(String id, String version, List<String> command, Duration timeout, String modality,
      List<SegmentDescription> segments, Path workRoot, String description) {
    public Config {
      if (id == null || !id.matches("[a-z0-9][a-z0-9._-]{0,63}")) throw new IllegalArgumentException("command algorithm id must be lower-case [a-z0-9._-]: " + id);
      if (version == null || version.isBlank()) throw new IllegalArgumentException(id + ": version is required");
      command = List.copyOf(command);
      if (command.isEmpty()) throw new IllegalArgumentException(id + ": command is empty");
      if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException(id + ": timeout must be positive");
      segments = List.copyOf(segments);
      if (segments.isEmpty()) throw new IllegalArgumentException(id + ": at least one output segment must be described");
      if (workRoot == null) workRoot = Path.of(System.getProperty("java.io.tmpdir"));
      if (description == null) description = "External program " + command.get(0);
    }
  }

  private final Config config;
  private final String logPrefix;
  private final AlgorithmDescriptor descriptor;

  /** {@code logPrefix}: the evidence provider's, so that a dev server's lines say INSECURE and a TEE's do not. */
  public CommandAlgorithm(Config config, String logPrefix) throws IOException {
    this.config = config;
    this.logPrefix = logPrefix;
    this.descriptor = new AlgorithmDescriptor(config.id(), config.version(), digest(config),
        Set.of(TaskKind.SEGMENTATION, TaskKind.EVALUATION), config.modality(), config.segments(), config.description());
  }

  @Override
  public AlgorithmDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public Set<String> parameterNames() {
    return Set.of();
  }

  @Override
  public Segmenter segmenter(Parameters parameters) {
    return this::segment;
  }

  private Segmentation segment(ImageVolume image, ProgressListener progress) throws AlgorithmException {
    long t0 = System.nanoTime();
    Path work = null;
    Process process = null;
    try {
      work = Files.createTempDirectory(config.workRoot(), "secaimed-cmd-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path inputDir = Files.createDirectory(work.resolve("input"));
      Path outputDir = Files.createDirectory(work.resolve("output"));
      Path tmp = Files.createDirectory(work.resolve("tmp"));
      Path input = inputDir.resolve("image.nii.gz");
      NiftiImageWriter.write(image, input);
      progress.progress("input written", 0.1);
      Cancellation.check();

      List<String> argv = new ArrayList<>();
      for (String a : config.command()) {
        argv.add(a.replace("{inputDir}", inputDir.toString()).replace("{outputDir}", outputDir.toString())
            .replace("{input}", input.toString()).replace("{output}", outputDir.resolve("labels.nii.gz").toString()));
      }
      ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile())
          .redirectOutput(work.resolve("stdout.log").toFile()).redirectError(work.resolve("stderr.log").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Map<String, String> env = pb.environment();
      String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
      env.clear();
      env.put("PATH", path);
      env.put("HOME", work.toString());
      env.put("TMPDIR", tmp.toString());
      env.put("LANG", "C.UTF-8");
      env.put("SECAIMED_INPUT", input.toString());
      env.put("SECAIMED_OUTPUT_DIR", outputDir.toString());
      process = pb.start();
      long deadline = System.nanoTime() + config.timeout().toNanos();
      while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
        Cancellation.check();
        if (System.nanoTime() > deadline) {
          throw new AlgorithmException(Reason.TIMEOUT, config.id(), "external program did not finish within " + config.timeout().toSeconds() + " s");
        }
      }
      int status = process.exitValue();
      if (status != 0) {
        throw new AlgorithmException(Reason.EXTERNAL_PROGRAM_FAILED, config.id(), "external program exited with status " + status);
      }
      progress.progress("program finished", 0.8);
      LabelVolume labels = readOutput(outputDir, image);
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Segmentation(labels, config.segments(), List.of(Metric.task("seconds", seconds, "s"), Metric.task("exitStatus", status, null)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlgorithmException(Reason.CANCELLED, config.id(), "interrupted");
    } catch (IOException e) {
      throw new AlgorithmException(Reason.EXTERNAL_PROGRAM_FAILED, config.id(), "cannot run external program: " + e.getMessage(), e);
    } finally {
      if (process != null) destroy(process);
      if (work != null) deleteRecursively(work, logPrefix);
    }
  }

  private LabelVolume readOutput(Path outputDir, ImageVolume image) throws AlgorithmException {
    Path file = null;
    for (String name : List.of("labels.nii.gz", "labels.nii", "labels.nrrd")) {
      if (Files.isRegularFile(outputDir.resolve(name))) {
        file = outputDir.resolve(name);
        break;
      }
    }
    if (file == null) throw new AlgorithmException(Reason.EXTERNAL_PROGRAM_FAILED, config.id(), "program wrote no output/labels.nii.gz (or .nii, .nrrd)");
    LabelVolume labels;
    try {
      labels = LabelMapAlignment.onto(LabelMapFiles.read(file), image.geometry());
    } catch (LabelMapException e) {
      throw new AlgorithmException(Reason.EXTERNAL_PROGRAM_FAILED, config.id() + " output", "label map unusable: " + e.getMessage(), e);
    }
    boolean[] described = new boolean[256];
    described[0] = true;
    for (SegmentDescription s : config.segments()) if (s.number() < 256) described[s.number()] = true;
    for (byte b : labels.labels()) {
      if (!described[b & 0xFF]) {
        throw new AlgorithmException(Reason.EXTERNAL_PROGRAM_FAILED, config.id() + " output", "label value " + (b & 0xFF) + " is not one of the configured segments");
      }
    }
    return labels;
  }

  private static void destroy(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteRecursively(Path dir, String logPrefix) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      // Leave no silent residue: a private dir that cannot be removed is an operator problem worth a loud log.
      org.slf4j.LoggerFactory.getLogger(CommandAlgorithm.class).error("{}could not delete working directory {}: {}", logPrefix, dir, e.getMessage());
    }
  }

  /** SHA-256 over the configuration and the bytes of every argument that is an existing file (the program and its scripts). */
  static String digest(Config c) throws IOException {
    MessageDigest md = Digests.sha256();
    StringBuilder text = new StringBuilder();
    text.append(c.id()).append('\n').append(c.version()).append('\n').append(c.timeout()).append('\n').append(c.modality()).append('\n');
    for (String a : c.command()) text.append("arg:").append(a).append('\n');
    for (SegmentDescription s : c.segments()) text.append(ResultPayloads.segmentJson(s)).append('\n');
    md.update(text.toString().getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < c.command().size(); i++) {
      Path file = i == 0 ? resolveExecutable(c.command().get(0)) : Path.of(c.command().get(i));
      if (file != null && Files.isRegularFile(file)) {
        md.update(("file:" + i + "\n").getBytes(StandardCharsets.UTF_8));
        try (InputStream in = Files.newInputStream(file)) {
          md.update(in.readAllBytes());
        }
      }
    }
    return Digests.ofHex(Digests.hex(md));
  }

  private static Path resolveExecutable(String name) {
    if (name.contains("/")) return Path.of(name);
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }
}
