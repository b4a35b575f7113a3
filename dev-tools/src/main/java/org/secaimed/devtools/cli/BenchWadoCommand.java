package org.secaimed.devtools.cli;

import org.secaimed.devtools.bench.HostLoad;
import org.secaimed.devtools.cli.WadoPulls.Hashing;
import org.secaimed.devtools.cli.WadoPulls.Measured;
import org.secaimed.kaapana.cli.DicomCommand;
import org.secaimed.kaapana.cli.JsonOutput;
import org.secaimed.kaapana.cli.SecaimedCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.secaimed.dicom.web.DicomWebClient;
import org.secaimed.dicom.web.InstanceStream;
import org.secaimed.dicom.web.StowRequest;
import org.secaimed.dicom.web.StowResult;
import org.secaimed.dicom.web.TransferSyntaxes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code secaimed bench wado}: WADO-RS series pull throughput of our streaming client next to
 * {@code curl} fetching the same URL in the same run, and the peak heap of a child JVM
 * ({@code -Xmx256m} by default) pulling a generated series larger than its heap. Without
 * {@code --dicomweb} it starts a private Orthanc on loopback and generates the series itself.
 */
@Command(name = "wado", mixinStandardHelpOptions = true, versionProvider = SecaimedCli.Version.class, description = "WADO-RS pull throughput next to curl (same run), and peak heap pulling a series larger than the heap")
public final class BenchWadoCommand implements Callable<Integer> {
  static final String WADO_ACCEPT = "multipart/related; type=\"application/dicom\"; transfer-syntax=" + TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN;
  private static final int ROWS = 512;
  private static final int COLS = 512;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Option(names = "--dicomweb", paramLabel = "URL", description = "use this DICOMweb root and --study/--series instead of a private Orthanc with a generated series")
  String dicomweb;
  @Option(names = "--study", paramLabel = "UID") String study;
  @Option(names = "--series", paramLabel = "UID") String series;
  @Option(names = "--size-mb", paramLabel = "MB", defaultValue = "1100", description = "size of the generated series in MB (default 1100, i.e. > 1 GB)")
  int sizeMb;
  @Option(names = "--runs", defaultValue = "5", description = "timed runs of each client, interleaved (best and median are reported; default 5)")
  int runs;
  @Option(names = "--heap", defaultValue = "256m", description = "-Xmx of the child JVM that measures peak heap (default 256m)")
  String heap;
  @Option(names = "--json", description = "print one JSON object") boolean json;

  @Override
  public Integer call() throws Exception {
    CommandLine cmd = spec.commandLine();
    if (dicomweb != null && (study == null || series == null)) throw new CommandLine.ParameterException(cmd, "--dicomweb needs --study and --series");
    if (runs < 1 || sizeMb < 1) throw new CommandLine.ParameterException(cmd, "--runs and --size-mb must be positive");
    PrintWriter err = cmd.getErr();
    Map<String, Object> report = new LinkedHashMap<>();
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    Map<String, List<Double>> cpu = new LinkedHashMap<>(); // reading thread CPU ms per MB, per run
    try (PrivateOrthanc orthanc = dicomweb == null ? PrivateOrthanc.start() : null) {
      String root = dicomweb != null ? dicomweb : orthanc.dicomWebUrl();
      if (orthanc != null) {
        if (!json) err.printf("bench wado: generating a %d MB CT series in a private Orthanc (pid %d)...%n", sizeMb, orthanc.pid());
        String[] uids = generateSeries(DicomWebClient.builder(root).build(), sizeMb);
        study = uids[0];
        series = uids[1];
      }
      String url = root.replaceAll("/+$", "") + "/studies/" + study + "/series/" + series;
      DicomWebClient client = DicomWebClient.builder(root).readTimeout(Duration.ofMinutes(5)).build();

      Measured warm = WadoPulls.streamed(client, false, study, series); // JIT warm-up, and fills the server's page cache
      WadoPulls.pipeline(client, Hashing.HANDED_OVER, series);
      okhttp3.OkHttpClient raw = new okhttp3.OkHttpClient.Builder().readTimeout(Duration.ofMinutes(5)).build();
      for (Way w : WAYS) rates.put(w.key(), new ArrayList<>());
      for (Way w : WAYS) cpu.put(w.key(), new ArrayList<>());
      List<Double> inlineCost = new ArrayList<>();
      List<Double> handedOverCost = new ArrayList<>();
      List<Double> streamedHashCost = new ArrayList<>();
      long curlBytes = 0;
      for (int i = 0; i < runs; i++) {
        Map<String, Double> run = new LinkedHashMap<>();
        for (int j = 0; j < WAYS.size(); j++) { // rotated each run, so no way always follows the same one
          Way w = WAYS.get((i + j) % WAYS.size());
          Measured m = switch (w.key()) {
            case "curl" -> pullCurl(url);
            case "rawOkHttp" -> pullRawOkHttp(raw, url);
            case "streamed" -> WadoPulls.streamed(client, false, study, series);
            case "streamedSha256" -> WadoPulls.streamed(client, true, study, series);
            default -> WadoPulls.pipeline(client, w.hashing(), series);
          };
          if (w.key().equals("curl")) curlBytes = m.bytes();
          run.put(w.key(), m.mbPerSecond());
          rates.get(w.key()).add(m.mbPerSecond());
          if (m.readingThreadCpuNanos() >= 0) cpu.get(w.key()).add(m.readingThreadCpuMsPerMb());
        }
        // The hash's cost as the share of throughput lost against the same path without a hash, paired within the run.
        streamedHashCost.add(1 - run.get("streamedSha256") / run.get("streamed"));
        inlineCost.add(1 - run.get("pipelineReadingThread") / run.get("pipelineNoHash"));
        handedOverCost.add(1 - run.get("pipelineHandedOver") / run.get("pipelineNoHash"));
        if (!json) {
          StringBuilder line = new StringBuilder("  run " + (i + 1) + ":");
          for (Way w : WAYS) line.append(String.format(" %s %.0f", w.key(), run.get(w.key())));
          err.println(line.append(" MB/s (load ").append(HostLoad.averages()).append(')'));
        }
      }
      double curlBest = max(rates.get("curl"));
      double ourBest = max(rates.get("streamed"));
      report.put("url", url.replaceAll("//[^/@]*@", "//"));
      report.put("instances", warm.instances());
      report.put("seriesBytes", warm.bytes());
      report.put("responseBytesCurl", curlBytes);
      report.put("runs", runs);
      report.put("loadAverage", HostLoad.averages());
      report.put("curlMBps", round(curlBest));
      report.put("rawOkHttpMBps", round(max(rates.get("rawOkHttp"))));
      report.put("secaimedMBps", round(ourBest));
      report.put("secaimedWithSha256MBps", round(max(rates.get("streamedSha256"))));
      report.put("ratio", round(ourBest / curlBest));
      report.put("medianRatio", round(median(rates.get("streamed")) / median(rates.get("curl"))));
      report.put("goalRatio", 0.9);
      Map<String, Object> pipe = new LinkedHashMap<>();
      for (Way w : WAYS) if (w.hashing() != null) pipe.put(w.key() + "MBps", round(max(rates.get(w.key()))));
      report.put("pipelinePath", pipe);
      Map<String, Object> cost = new LinkedHashMap<>();
      cost.put("streamedReadingThread", round(median(streamedHashCost)));
      cost.put("pipelineReadingThread", round(median(inlineCost)));
      cost.put("pipelineHandedOver", round(median(handedOverCost)));
      report.put("hashCostMedian", cost);
      Map<String, Object> cpuMs = new LinkedHashMap<>();
      for (Way w : WAYS) if (!cpu.get(w.key()).isEmpty()) cpuMs.put(w.key(), Math.round(median(cpu.get(w.key())) * 1e4) / 1e4);
      report.put("readingThreadCpuMsPerMbMedian", cpuMs);
      Map<String, Object> runsMBps = new LinkedHashMap<>();
      for (Way w : WAYS) runsMBps.put(w.key(), rates.get(w.key()).stream().map(BenchWadoCommand::round).toList());
      report.put("runsMBps", runsMBps);

      if (!json) err.printf("  child JVM -Xmx%s pulling the series the pipeline's way (hashes handed over)...%n", heap);
      JsonNode probe = heapProbe(root, series);
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("xmx", heap);
      h.put("maxHeapBytes", probe.get("maxHeapBytes").asLong());
      h.put("seriesBytes", probe.get("bytes").asLong());
      h.put("instances", probe.get("instances").asInt());
      h.put("peakHeapUsedSampledBytes", probe.get("peakHeapUsedSampledBytes").asLong());
      h.put("peakHeapPoolSumBytes", probe.get("peakHeapPoolSumBytes").asLong());
      h.put("maxLiveAfterGcBytes", probe.get("maxLiveAfterGcBytes").asLong());
      h.put("seriesToHeapRatio", round((double) probe.get("bytes").asLong() / probe.get("maxHeapBytes").asLong()));
      report.put("heap", h);
    }
    PrintWriter out = cmd.getOut();
    if (json) JsonOutput.print(out, report);
    else printText(out, report, rates, cpu);
    return SecaimedCli.EXIT_OK;
  }

  /** One way of pulling the series; {@code hashing} is null outside the pipeline's path. */
  record Way(String key, String label, Hashing hashing) {}

  static final List<Way> WAYS = List.of(
      new Way("curl", "curl", null),
      new Way("rawOkHttp", "raw OkHttp body (HTTP stack alone, no multipart parsing)", null),
      new Way("streamed", "secaimed client, streamed, no hash", null),
      new Way("streamedSha256", "secaimed client, streamed, SHA-256 on the reading thread", null),
      new Way("pipelineNoHash", "no hash", Hashing.NONE),
      new Way("pipelineReadingThread", "SHA-256 on the reading thread (the pipeline on < 3 cores)", Hashing.READING_THREAD),
      new Way("pipelineBesideWaiting", "SHA-256 beside the copy, add() waits for it", Hashing.BESIDE_WAITING),
      new Way("pipelineHandedOver", "SHA-256 handed over, joined at the next instance (3+ cores)", Hashing.HANDED_OVER));

  @SuppressWarnings("unchecked")
  private void printText(PrintWriter out, Map<String, Object> report, Map<String, List<Double>> rates, Map<String, List<Double>> cpu) {
    out.printf("WADO-RS series pull, %d instances, %s, best (median) of %d, load average %s;%n", report.get("instances"),
        DicomCommand.human((long) report.get("seriesBytes")), runs, report.get("loadAverage"));
    out.println("  last column: CPU ms the reading thread spent per MB (median; independent of whether a core was free)");
    for (Way w : WAYS) {
      if (w.key().equals("pipelineNoHash")) out.println("  the pipeline's path (DicomWebSeriesSource -> StudyArchiveWriter, sealing replaced by a discarding sink):");
      String cpuMs = cpu.get(w.key()).isEmpty() ? "" : String.format("  %5.3f", median(cpu.get(w.key())));
      out.printf("  %-72s %6.0f (%4.0f) MB/s%-7s%s%n", (w.hashing() != null ? "  " : "") + w.label(), max(rates.get(w.key())), median(rates.get(w.key())),
          cpuMs, w.key().equals("streamed") ? String.format("   %.2fx curl best, %.2fx median (goal >= 0.90x)", (double) report.get("ratio"), (double) report.get("medianRatio")) : "");
    }
    Map<String, Object> cost = (Map<String, Object>) report.get("hashCostMedian");
    out.printf("Hashing's cost (throughput lost against the same path without a hash, median of per-run pairs): streamed on the reading thread %.0f %%;%n"
        + "  pipeline path: on the reading thread %.0f %%, handed over %.0f %%%n", 100 * (double) cost.get("streamedReadingThread"),
        100 * (double) cost.get("pipelineReadingThread"), 100 * (double) cost.get("pipelineHandedOver"));
    Map<String, Object> h = (Map<String, Object>) report.get("heap");
    out.printf("Peak heap pulling %s the pipeline's way with -Xmx%s (max heap %s): sampled %s, pool peaks %s, live after GC %s%n",
        DicomCommand.human((long) h.get("seriesBytes")), heap, DicomCommand.human((long) h.get("maxHeapBytes")),
        DicomCommand.human((long) h.get("peakHeapUsedSampledBytes")), DicomCommand.human((long) h.get("peakHeapPoolSumBytes")),
        DicomCommand.human((long) h.get("maxLiveAfterGcBytes")));
  }

  private static double max(List<Double> v) {
    return v.stream().mapToDouble(d -> d).max().orElseThrow();
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(d -> d).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /** OkHttp reading the same response body with no multipart parsing: isolates the HTTP stack's cost. */
  private static Measured pullRawOkHttp(okhttp3.OkHttpClient http, String url) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long bytes = 0;
    long t0 = System.nanoTime();
    try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder().url(url).header("Accept", WADO_ACCEPT).build()).execute()) {
      if (!r.isSuccessful()) throw new IOException("raw OkHttp baseline: HTTP " + r.code());
      InputStream in = r.body().byteStream();
      for (int n; (n = in.read(buf)) > 0; ) bytes += n;
    }
    return new Measured(bytes, -1, System.nanoTime() - t0);
  }

  private static double round(double d) {
    return Math.round(d * 100) / 100.0;
  }

  /** curl fetching the same URL with the same Accept header, discarding the body; timed by curl itself. */
  private static Measured pullCurl(String url) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("curl", "-s", "-f", "-o", "/dev/null", "-w", "%{size_download} %{time_total}", "-H", "Accept: " + WADO_ACCEPT, url)
        .redirectErrorStream(true).start();
    String outText = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0) throw new IOException("curl failed (exit " + p.exitValue() + "): " + outText);
    String[] parts = outText.split("\\s+");
    return new Measured(Long.parseLong(parts[0]), -1, (long) (Double.parseDouble(parts[1]) * 1e9));
  }

  private JsonNode heapProbe(String root, String series) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), HeapProbe.class.getName(), root, series)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String outText = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0) throw new IOException("the heap probe JVM failed (exit " + p.exitValue() + "): " + outText);
    return JsonOutput.mapper().readTree(outText.substring(outText.lastIndexOf('\n') + 1));
  }

  /** Runs in a child JVM with a small heap: pulls and hashes the series the pipeline's way, prints heap figures as JSON. */
  public static final class HeapProbe {
    public static void main(String[] args) throws Exception {
      List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(b -> b.getType() == MemoryType.HEAP).toList();
      AtomicLong sampled = new AtomicLong();
      AtomicLong liveAfterGc = new AtomicLong();
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          sampled.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
          long live = 0;
          for (MemoryPoolMXBean b : heapPools) if (b.getCollectionUsage() != null) live += b.getCollectionUsage().getUsed();
          liveAfterGc.accumulateAndGet(live, Math::max);
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
      Measured m = WadoPulls.pipeline(DicomWebClient.builder(args[0]).readTimeout(Duration.ofMinutes(5)).build(), Hashing.HANDED_OVER, args[1]);
      sampler.interrupt();
      sampler.join();
      long poolSum = 0;
      for (MemoryPoolMXBean b : heapPools) poolSum += b.getPeakUsage().getUsed();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("bytes", m.bytes());
      r.put("instances", m.instances());
      r.put("seconds", m.nanos() / 1e9);
      r.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
      r.put("peakHeapUsedSampledBytes", sampled.get());
      r.put("peakHeapPoolSumBytes", poolSum);
      r.put("maxLiveAfterGcBytes", liveAfterGc.get());
      System.out.println(JsonOutput.mapper().writeValueAsString(r));
    }
  }

  // ------------------------------------------------------------------ series generation

  /** Stores a synthetic 512x512 16-bit CT series of about {@code sizeMb} MB; returns {study, series}. */
  static String[] generateSeries(DicomWebClient client, int sizeMb) throws IOException, DicomException {
    String study = uid();
    String series = uid();
    String frame = uid();
    int perSlice = ROWS * COLS * 2;
    int slices = (int) Math.ceil(sizeMb * 1e6 / perSlice);
    short[] base = new short[ROWS * COLS];
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
    for (int i = 0; i < base.length; i++) base[i] = (short) (rnd.nextInt(4096) - 1024);
    int batch = 64;
    for (int from = 0; from < slices; from += batch) {
      StowRequest.Builder b = StowRequest.builder();
      for (int z = from; z < Math.min(slices, from + batch); z++) b.addDataset(slice(study, series, frame, z, base));
      StowResult r = client.store(b.build());
      if (!r.allStored()) throw new IOException("generating the bench series: the PACS did not store slices " + from + "..: HTTP " + r.httpStatus());
    }
    return new String[] {study, series};
  }

  private static AttributeList slice(String study, String series, String frame, int z, short[] base) throws DicomException {
    AttributeList l = new AttributeList();
    put(l, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), SOPClass.CTImageStorage);
    put(l, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), uid());
    put(l, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), study);
    put(l, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), series);
    put(l, new UniqueIdentifierAttribute(TagFromName.FrameOfReferenceUID), frame);
    put(l, new CodeStringAttribute(TagFromName.Modality), "CT");
    put(l, new PersonNameAttribute(TagFromName.PatientName), "Bench^Synthetic");
    put(l, new LongStringAttribute(TagFromName.PatientID), "SECAIMED-BENCH");
    put(l, new IntegerStringAttribute(TagFromName.InstanceNumber), Integer.toString(z + 1));
    put(l, new DecimalStringAttribute(TagFromName.ImagePositionPatient), "-250\\-250\\" + z);
    put(l, new DecimalStringAttribute(TagFromName.ImageOrientationPatient), "1\\0\\0\\0\\1\\0");
    put(l, new DecimalStringAttribute(TagFromName.PixelSpacing), "0.9765625\\0.9765625");
    put(l, new DecimalStringAttribute(TagFromName.SliceThickness), "1");
    put(l, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "MONOCHROME2");
    for (AttributeTag t : new AttributeTag[] {TagFromName.Rows, TagFromName.Columns, TagFromName.SamplesPerPixel, TagFromName.BitsAllocated,
        TagFromName.BitsStored, TagFromName.HighBit, TagFromName.PixelRepresentation}) {
      int v = t.equals(TagFromName.Rows) ? ROWS : t.equals(TagFromName.Columns) ? COLS : t.equals(TagFromName.SamplesPerPixel) ? 1
          : t.equals(TagFromName.BitsAllocated) || t.equals(TagFromName.BitsStored) ? 16 : t.equals(TagFromName.HighBit) ? 15 : 1;
      Attribute a = new UnsignedShortAttribute(t);
      a.addValue(v);
      l.put(a);
    }
    short[] px = base.clone();
    for (int i = z % 7; i < px.length; i += 7) px[i] ^= (short) z; // slices differ: nothing deduplicates or caches by content
    Attribute pd = new OtherWordAttribute(TagFromName.PixelData);
    pd.setValues(px);
    l.put(pd);
    return l;
  }

  private static void put(AttributeList l, Attribute a, String v) throws DicomException {
    a.addValue(v);
    l.put(a);
  }

  private static String uid() {
    UUID u = UUID.randomUUID();
    ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return "2.25." + new BigInteger(1, b.array());
  }
}
