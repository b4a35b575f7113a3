package org.secaimed.enclave.server.algorithms.input;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.enclave.server.algorithms.Cancellation;
import org.secaimed.dicom.exchange.ArchivedInstance;
import org.secaimed.dicom.exchange.StudyArchiveException;
import org.secaimed.dicom.exchange.StudyArchiveReader;
import org.secaimed.dicom.geometry.InstanceReader;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SeriesAssemblyException;

/**
 * Reads a plaintext study archive, parsing each instance once as it streams past. The archive is
 * read (and each instance hashed) on the caller's thread while up to {@link #PARSERS} threads parse
 * and decode the instances read before (a JPEG-LS frame takes tens of milliseconds to decode);
 * results are taken in archive order, at most two per parser ahead, so memory stays bounded and
 * the series come out as a sequential read would assemble them.
 */
public final class StudyInputs {
  /** Segmentation Storage and Label Map Segmentation Storage (Sup 243). */
  static final Set<String> SEG_SOP_CLASSES = Set.of("1.2.840.10008.5.1.4.1.1.66.4", "1.2.840.10008.5.1.4.1.1.66.7");
  /** Threads that parse instances: every core (the caller mostly waits for the archive's bytes). */
  static final int PARSERS = Runtime.getRuntime().availableProcessors();
  private static final AtomicInteger POOLS = new AtomicInteger();

  private StudyInputs() {}

  /** An instance read from the archive and its parse, running or done. */
  private record Pending(ArchivedInstance instance, Future<AttributeList> parsed) {}

  public static StudyContent read(String inputName, InputStream plaintext) throws AlgorithmException {
    return read(inputName, plaintext, PARSERS);
  }

  static StudyContent read(String inputName, InputStream plaintext, int parsers) throws AlgorithmException {
    Map<String, SeriesAssembler> series = new LinkedHashMap<>();
    List<AttributeList> segs = new ArrayList<>();
    ExecutorService pool = parserPool(parsers);
    ArrayDeque<Pending> window = new ArrayDeque<>();
    try (StudyArchiveReader reader = StudyArchiveReader.open(plaintext)) {
      for (ArchivedInstance instance = reader.next(); instance != null; instance = reader.next()) {
        Cancellation.check();
        final ArchivedInstance in = instance;
        window.add(new Pending(in, pool.submit(() -> parse(inputName, in))));
        if (window.size() >= 2 * parsers) accept(inputName, window.poll(), series, segs);
      }
      while (!window.isEmpty()) accept(inputName, window.poll(), series, segs);
      return new StudyContent(inputName, reader.manifest().instances(), series, segs);
    } catch (StudyArchiveException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, e.subject() == null ? inputName : e.subject(), inputName + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, inputName, "cannot read input: " + e.getMessage(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static ExecutorService parserPool(int parsers) {
    String prefix = "study-parse-" + POOLS.incrementAndGet() + "-";
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(parsers, r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Takes one parsed instance, in archive order, into its series (or the study's segmentations). */
  private static void accept(String inputName, Pending p, Map<String, SeriesAssembler> series, List<AttributeList> segs)
      throws AlgorithmException {
    AttributeList list = parsed(p);
    ArchivedInstance instance = p.instance();
    String sopClass = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPClassUID);
    if (SEG_SOP_CLASSES.contains(sopClass)) {
      segs.add(list);
      return;
    }
    String seriesUid = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SeriesInstanceUID);
    if (seriesUid.isEmpty()) throw new AlgorithmException(Reason.BAD_INPUT, instance.sopInstanceUid(), inputName + ": no SeriesInstanceUID");
    try {
      series.computeIfAbsent(seriesUid, k -> SeriesAssembler.create()).add(list, instance.sopInstanceUid());
    } catch (SeriesAssemblyException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, instance.sopInstanceUid(), inputName + ": " + e.getMessage(), e);
    }
  }

  private static AttributeList parsed(Pending p) throws AlgorithmException {
    try {
      return p.parsed().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlgorithmException(Reason.CANCELLED, null, "task cancelled");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AlgorithmException a) throw a;
      if (cause instanceof RuntimeException r) throw r;
      if (cause instanceof Error err) throw err;
      throw new AlgorithmException(Reason.BAD_INPUT, p.instance().sopInstanceUid(), "cannot parse the instance: " + cause.getMessage(), cause);
    }
  }

  /**
   * Parses one instance with its pixels through the bounded reader (depth and lengths checked,
   * parser crashes mapped to a typed error), decoding compressed pixel data where this build can.
   */
  private static AttributeList parse(String inputName, ArchivedInstance instance) throws AlgorithmException {
    byte[] bytes;
    try (InputStream in = instance.openStream()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, instance.sopInstanceUid(), inputName + ": cannot read the instance: " + e.getMessage(), e);
    }
    InstanceReader.Parsed parsed;
    try {
      parsed = InstanceReader.parse(bytes, instance.sopInstanceUid(), true);
    } catch (SeriesAssemblyException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, instance.sopInstanceUid(), inputName + ": " + e.getMessage(), e);
    }
    if (parsed == null) throw new AlgorithmException(Reason.BAD_INPUT, instance.sopInstanceUid(), inputName + ": not DICOM");
    return parsed.list();
  }
}
