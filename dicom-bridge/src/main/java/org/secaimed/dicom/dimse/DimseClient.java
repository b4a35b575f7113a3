package org.secaimed.dicom.dimse;

import org.secaimed.connector.FailureMessages;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.dicom.StoredFilePathStrategy;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.GetSOPClassSCU;
import com.pixelmed.network.IdentifierHandler;
import com.pixelmed.network.MoveSOPClassSCU;
import com.pixelmed.network.MultipleInstanceTransferStatusHandlerWithFileName;
import com.pixelmed.network.ReceivedObjectHandler;
import com.pixelmed.network.ResponseStatus;
import com.pixelmed.network.StorageSOPClassSCU;
import com.pixelmed.network.VerificationSOPClassSCU;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * DIMSE service user on PixelMed: C-ECHO, C-FIND, C-GET, C-MOVE and C-STORE (files and
 * in-memory datasets) against one peer, with validated AE titles. Each call opens and releases
 * its own association, bounded by a timeout. Study Root information model throughout.
 *
 * <pre>{@code
 * DimseClient pacs = new DimseClient(AeTitle.of("SECAIMED"), DimsePeer.parse("dcm4chee:11112", AeTitle.of("KAAPANA")));
 * pacs.echo();
 * List<AttributeList> series = pacs.find(DimseQuery.at(QueryLevel.SERIES).match("StudyInstanceUID", st).returnKey("Modality").build());
 * StoreResult r = pacs.store(segDataset);
 * }</pre>
 */
public final class DimseClient {
  private final AeTitle calling;
  private final DimsePeer peer;
  private final Duration timeout;

  public DimseClient(AeTitle calling, DimsePeer peer) {
    this(calling, peer, Duration.ofMinutes(10));
  }

  /** {@code timeout} bounds each whole operation (association, exchange, release). */
  public DimseClient(AeTitle calling, DimsePeer peer, Duration timeout) {
    this.calling = Objects.requireNonNull(calling, "calling AE title");
    this.peer = Objects.requireNonNull(peer, "peer");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  public AeTitle callingAeTitle() {
    return calling;
  }

  public DimsePeer peer() {
    return peer;
  }

  /** C-ECHO: is the peer there and does it accept us? */
  public void echo() throws DimseException {
    run("C-ECHO", () -> new VerificationSOPClassSCU(peer.host(), peer.port(), peer.aeTitle().value(), calling.value(), false));
  }

  /** C-FIND (Study Root); the matches in the order the peer sent them. */
  public List<AttributeList> find(DimseQuery query) throws DimseException {
    List<AttributeList> results = Collections.synchronizedList(new ArrayList<>());
    run("C-FIND", () -> new FindSOPClassSCU(peer.host(), peer.port(), peer.aeTitle().value(), calling.value(),
        SOPClass.StudyRootQueryRetrieveInformationModelFind, query.identifier(), new IdentifierHandler() {
          @Override
          public void doSomethingWithIdentifier(AttributeList id) {
            results.add(id);
          }
        }));
    return List.copyOf(results);
  }

  /** C-GET of a series into {@code dir}, negotiating {@link StorageSopClasses#forRetrieval()}. */
  public RetrieveResult getSeries(String studyUid, String seriesUid, Path dir) throws DimseException, IOException {
    return get(retrieveIdentifier(studyUid, seriesUid), dir, StorageSopClasses.forRetrieval());
  }

  /** C-GET of a whole study into {@code dir}. */
  public RetrieveResult getStudy(String studyUid, Path dir) throws DimseException, IOException {
    return get(retrieveIdentifier(studyUid, null), dir, StorageSopClasses.forRetrieval());
  }

  /**
   * C-GET with an explicit list of Storage SOP classes to accept. Files are written by PixelMed
   * into {@code dir}, named by SOP Instance UID.
   */
  public RetrieveResult get(AttributeList identifier, Path dir, Set<String> storageSopClasses) throws DimseException, IOException {
    Files.createDirectories(dir);
    Map<String, RetrieveResult.Received> received = Collections.synchronizedMap(new LinkedHashMap<>());
    ReceivedObjectHandler handler = new ReceivedObjectHandler() {
      @Override
      public void sendReceivedObjectIndication(String fileName, String transferSyntax, String callingAe) {
        Path f = Path.of(fileName);
        received.put(f.getFileName().toString(), new RetrieveResult.Received(f, f.getFileName().toString(), transferSyntax));
      }
    };
    run("C-GET", () -> new GetSOPClassSCU(peer.host(), peer.port(), peer.aeTitle().value(), calling.value(),
        SOPClass.StudyRootQueryRetrieveInformationModelGet, identifier, new IdentifierHandler(), dir.toFile(),
        StoredFilePathStrategy.BYSOPINSTANCEUIDINSINGLEFOLDER, handler, new LinkedHashSet<>(storageSopClasses), true, false, false));
    return new RetrieveResult(new ArrayList<>(received.values()));
  }

  /**
   * C-MOVE of a series to {@code destination} (an AE the peer knows by title, host and port).
   * Fails unless the peer reports success without failed sub-operations.
   */
  public void moveSeries(String studyUid, String seriesUid, AeTitle destination) throws DimseException {
    move(retrieveIdentifier(studyUid, seriesUid), destination);
  }

  public void moveStudy(String studyUid, AeTitle destination) throws DimseException {
    move(retrieveIdentifier(studyUid, null), destination);
  }

  private void move(AttributeList identifier, AeTitle destination) throws DimseException {
    MoveSOPClassSCU scu;
    try {
      scu = run("C-MOVE", () -> new MoveSOPClassSCU(peer.host(), peer.port(), peer.aeTitle().value(), calling.value(),
          destination.value(), SOPClass.StudyRootQueryRetrieveInformationModelMove, identifier));
    } catch (DimseException e) {
      // Peers differ in how they refuse an unknown destination (0xA801, or Orthanc's 0xC000): name the likely cause.
      throw new DimseException("C-MOVE", peer, e.status(), "move to " + destination + " failed; is " + destination
          + " registered at the peer with its host and port? (" + e.getCause().getMessage() + ")", e.getCause());
    }
    int status = scu.getStatus();
    if (status != ResponseStatus.Success)
      throw new DimseException("C-MOVE", peer, status, status == ResponseStatus.RefusedMoveDestinationUnknown
          ? "the peer does not know move destination " + destination + " (register it there with host and port)"
          : "move to " + destination + " did not complete", null);
  }

  /** C-STORE of Part-10 files over one association; per-instance results. */
  public StoreResult store(List<Path> files) throws DimseException, IOException {
    if (files.isEmpty()) throw new IllegalArgumentException("nothing to store");
    SetOfDicomFiles set = new SetOfDicomFiles();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) throw new IOException("not a readable file: " + f);
      // SetOfDicomFiles reads each header; an unreadable one is silently skipped, so check here.
      if (set.add(f.toFile()) == null) throw new IOException(f + " is not a DICOM file PixelMed can read (no SOP Class/Instance UID)");
    }
    Recorder rec = new Recorder();
    StorageSOPClassSCU scu = run("C-STORE", () -> new StorageSOPClassSCU(peer.host(), peer.port(), peer.aeTitle().value(), calling.value(), set, 0, rec));
    return rec.result(scu, files.stream().map(Path::toString).toList());
  }

  /** C-STORE of datasets held in memory (e.g. a SEG just built); nothing is written to disk. */
  public StoreResult store(AttributeList... datasets) throws DimseException {
    if (datasets.length == 0) throw new IllegalArgumentException("nothing to store");
    Set<String> sopClasses = new LinkedHashSet<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < datasets.length; i++) {
      String cls = Attribute.getSingleStringValueOrNull(datasets[i], TagFromName.SOPClassUID);
      String uid = Attribute.getSingleStringValueOrNull(datasets[i], TagFromName.SOPInstanceUID);
      if (cls == null || uid == null) throw new IllegalArgumentException("dataset #" + (i + 1) + " lacks SOPClassUID or SOPInstanceUID");
      sopClasses.add(cls);
      labels.add("dataset #" + (i + 1));
    }
    Recorder rec = new Recorder();
    StorageSOPClassSCU scu = run("C-STORE", () -> new StorageSOPClassSCU(peer.host(), peer.port(), peer.aeTitle().value(), calling.value(),
        sopClasses, datasets, 0, rec, null, 0));
    return rec.result(scu, labels);
  }

  /** Writes one whole Part-10 object (Explicit VR Little Endian) to {@code out} without closing it. */
  @FunctionalInterface
  public interface Part10Writer {
    void writeTo(java.io.OutputStream out) throws IOException;
  }

  /**
   * C-STORE of one object made while it is sent (a SEG whose pixel data is produced frame by
   * frame): never whole in memory. A writer that fails aborts the association before the data set
   * is complete, so the peer stores nothing.
   */
  public StoreResult storeStreamed(String sopClassUid, String sopInstanceUid, Part10Writer writer) throws DimseException {
    boolean ok = run("C-STORE", () -> StreamingStore.send(peer, calling, sopClassUid, sopInstanceUid, writer));
    return new StoreResult(List.of(new StoreOutcome(null, sopInstanceUid, ok, false)));
  }

  private static AttributeList retrieveIdentifier(String studyUid, String seriesUid) {
    DimseQuery.Builder b = DimseQuery.at(seriesUid == null ? QueryLevel.STUDY : QueryLevel.SERIES).match("StudyInstanceUID", requireUid(studyUid, "StudyInstanceUID"));
    if (seriesUid != null) b.match("SeriesInstanceUID", requireUid(seriesUid, "SeriesInstanceUID"));
    return b.build().identifier();
  }

  private static String requireUid(String uid, String field) {
    if (uid == null || uid.length() > 64 || !uid.matches("[0-9]+(\\.[0-9]+)*"))
      throw new IllegalArgumentException(field + " is not a valid DICOM UID: '" + uid + "'");
    return uid;
  }

  /** Runs a blocking PixelMed call on a daemon thread so a silent peer cannot hang the caller. */
  private <T> T run(String operation, Callable<T> call) throws DimseException {
    ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dimse-" + operation);
      t.setDaemon(true);
      return t;
    });
    try {
      Future<T> f = ex.submit(call);
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new DimseException(operation, peer, null, "no completion within " + timeout, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw new DimseException(operation, peer, statusIn(c.getMessage()), FailureMessages.of(c), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DimseException(operation, peer, null, "interrupted", e);
    } finally {
      ex.shutdownNow();
    }
  }

  private static final java.util.regex.Pattern STATUS = java.util.regex.Pattern.compile("status 0x([0-9a-fA-F]{1,4})\\b");

  /** PixelMed reports a failure status only inside its exception message ("... failure status 0xc000"). */
  private static Integer statusIn(String message) {
    if (message == null) return null;
    java.util.regex.Matcher m = STATUS.matcher(message);
    return m.find() ? Integer.valueOf(m.group(1), 16) : null;
  }

  /** Collects PixelMed's per-instance status callbacks. */
  private final class Recorder extends MultipleInstanceTransferStatusHandlerWithFileName {
    private final Map<String, StoreOutcome> byUid = Collections.synchronizedMap(new LinkedHashMap<>());
    private int lastFailed;
    private int lastWarning;

    @Override
    public synchronized void updateStatus(int remaining, int completed, int failed, int warning, String sopInstanceUid, String fileName, boolean success) {
      boolean warned = warning > lastWarning;
      lastFailed = failed;
      lastWarning = warning;
      byUid.put(sopInstanceUid, new StoreOutcome(fileName, sopInstanceUid, success, warned));
    }

    @Override
    public synchronized void updateStatus(int remaining, int completed, int failed, int warning, String sopInstanceUid) {
      boolean failedNow = failed > lastFailed;
      boolean warned = warning > lastWarning;
      lastFailed = failed;
      lastWarning = warning;
      byUid.putIfAbsent(sopInstanceUid, new StoreOutcome(null, sopInstanceUid, !failedNow, warned));
    }

    StoreResult result(StorageSOPClassSCU scu, List<String> sources) throws DimseException {
      List<StoreOutcome> outcomes = new ArrayList<>(byUid.values());
      if (outcomes.isEmpty() || scu.encounteredTrappedExceptions() && outcomes.size() < sources.size()) {
        throw new DimseException("C-STORE", peer, null, "the association failed; " + outcomes.size() + " of " + sources.size()
            + " instances were acknowledged (see the log for PixelMed's reason)", null);
      }
      return new StoreResult(outcomes);
    }
  }
}
