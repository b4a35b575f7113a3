package org.secaimed.dicom.exchange;

import org.secaimed.connector.io.Digests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.secaimed.dicom.exchange.StudyArchiveException.Reason;

class StudyArchiveTest {

  private static byte[] archiveOf(int count) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (StudyArchiveWriter w = StudyArchiveWriter.open(sink)) {
      for (int i = 1; i <= count; i++) w.add(TinyDicom.instance(i));
    }
    return sink.toByteArray();
  }

  private static List<ArchivedInstance> readAll(byte[] archive) throws Exception {
    List<ArchivedInstance> out = new ArrayList<>();
    StudyArchiveReader.readAll(new ByteArrayInputStream(archive), out::add);
    return out;
  }

  @Test
  void roundTripsInstancesInOrderWithTheirDigests() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    StudyManifest written;
    byte[] third = TinyDicom.instance(3);
    try (StudyArchiveWriter w = StudyArchiveWriter.open(sink)) {
      w.add(TinyDicom.instance(1));
      w.add(TinyDicom.uid(2), TinyDicom.instance(2));
      w.add(TinyDicom.uid(3), third.length, new ByteArrayInputStream(third));
      written = w.finish();
    }
    List<ArchivedInstance> read = new ArrayList<>();
    StudyManifest manifest = StudyArchiveReader.readAll(new ByteArrayInputStream(sink.toByteArray()), read::add);
    assertThat(manifest).isEqualTo(written);
    assertThat(read).extracting(ArchivedInstance::sopInstanceUid).containsExactly(TinyDicom.uid(1), TinyDicom.uid(2), TinyDicom.uid(3));
    assertThat(read.get(2).bytes()).isEqualTo(third);
    assertThat(manifest.instances().get(2).sha256()).isEqualTo(Digests.sha256Hex(third));
    assertThat(manifest.instances().get(2).length()).isEqualTo(third.length);
  }

  @Test
  void largeInstancesHashedBesideTheCopyCarryTheSameDigestsAsStreamedOnes() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    List<byte[]> instances = new ArrayList<>();
    try (StudyArchiveWriter w = StudyArchiveWriter.open(sink)) {
      for (int i = 1; i <= 6; i++) {
        // Around the threshold where the hash moves to a helper thread; padded with pixel-like bytes.
        byte[] head = TinyDicom.instance(i);
        int size = StudyArchiveWriter.BESIDE_THRESHOLD - 2 + i;
        byte[] b = java.util.Arrays.copyOf(head, Math.max(head.length, size));
        byte[] pixels = new byte[b.length - head.length];
        new java.util.Random(i).nextBytes(pixels);
        System.arraycopy(pixels, 0, b, head.length, pixels.length);
        instances.add(b);
        InstanceRecord r = w.add(TinyDicom.uid(i), b);
        assertThat(r.sha256()).isEqualTo(Digests.sha256Hex(b));
        java.util.Arrays.fill(b, (byte) 0); // the caller may reuse its array once add returns
      }
      w.finish();
    }
    StudyManifest manifest = StudyArchiveReader.readAll(new ByteArrayInputStream(sink.toByteArray()), x -> {});
    assertThat(manifest.instances()).hasSize(6);
  }

  /** A DICOM-headed instance of {@code size} bytes padded with pixel-like random bytes. */
  private static byte[] largeInstance(int i, int size) throws Exception {
    byte[] head = TinyDicom.instance(i);
    byte[] b = Arrays.copyOf(head, Math.max(head.length, size));
    byte[] pixels = new byte[b.length - head.length];
    new java.util.Random(i).nextBytes(pixels);
    System.arraycopy(pixels, 0, b, head.length, pixels.length);
    return b;
  }

  @Test
  void handedOverInstancesCarryTheSameDigestsAsStreamedOnesInArchiveOrder() throws Exception {
    // Sizes on both sides of the beside-threshold, mixed with add() calls: records stay in order.
    int t = StudyArchiveWriter.BESIDE_THRESHOLD;
    int[] sizes = {t + 1, 300, t * 3, t - 1, t, t * 2 + 7};
    List<byte[]> instances = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) instances.add(largeInstance(i + 1, sizes[i]));
    for (StudyArchiveWriter.HashPlacement placement : StudyArchiveWriter.HashPlacement.values()) {
      assertHandedOverEqualsStreamed(instances, placement);
    }
  }

  private static void assertHandedOverEqualsStreamed(List<byte[]> instances, StudyArchiveWriter.HashPlacement placement) throws Exception {
    ByteArrayOutputStream handed = new ByteArrayOutputStream();
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    StudyManifest viaHandOver;
    StudyManifest viaStreams;
    try (StudyArchiveWriter w = StudyArchiveWriter.open(handed, placement)) {
      for (int i = 0; i < instances.size(); i++) {
        if (i == 3) w.add(TinyDicom.uid(i + 1), instances.get(i));
        else w.handOver(TinyDicom.uid(i + 1), instances.get(i).clone());
      }
      viaHandOver = w.finish();
    }
    try (StudyArchiveWriter w = StudyArchiveWriter.open(streamed)) {
      for (int i = 0; i < instances.size(); i++) {
        byte[] b = instances.get(i);
        w.add(TinyDicom.uid(i + 1), b.length, new ByteArrayInputStream(b));
      }
      viaStreams = w.finish();
    }
    assertThat(viaHandOver).as(placement.name()).isEqualTo(viaStreams);
    assertThat(handed.toByteArray()).isEqualTo(streamed.toByteArray());
    for (int i = 0; i < instances.size(); i++) {
      assertThat(viaHandOver.instances().get(i).sha256()).isEqualTo(Digests.sha256Hex(instances.get(i)));
    }
    assertThat(StudyArchiveReader.readAll(new ByteArrayInputStream(handed.toByteArray()), x -> {})).isEqualTo(viaStreams);
  }

  @Test
  void handOverReturnsBeforeTheInstanceIsHashedAndTheManifestWaitsForIt() throws Exception {
    // The digests run on an executor the test holds back: handOver must not wait for its own
    // instance's hash (the old add did), while the next add, records() and finish() must.
    List<Runnable> held = new ArrayList<>();
    java.util.concurrent.Executor holding = held::add;
    byte[] one = largeInstance(1, StudyArchiveWriter.BESIDE_THRESHOLD * 2);
    byte[] two = largeInstance(2, StudyArchiveWriter.BESIDE_THRESHOLD * 2);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    StudyArchiveWriter w = StudyArchiveWriter.open(sink, holding);
    w.handOver(TinyDicom.uid(1), one);
    assertThat(held).hasSize(1); // returned with the hash still queued
    held.remove(0).run();
    w.handOver(TinyDicom.uid(2), two);
    assertThat(held).hasSize(1);
    held.remove(0).run();
    StudyManifest m = w.finish();
    assertThat(m.instances()).extracting(InstanceRecord::sha256).containsExactly(Digests.sha256Hex(one), Digests.sha256Hex(two));
    assertThat(StudyArchiveReader.readAll(new ByteArrayInputStream(sink.toByteArray()), x -> {})).isEqualTo(m);
  }

  @Test
  void aHashThatFailsLeavesTheArchiveWithoutAManifest() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    List<Runnable> held = new ArrayList<>();
    StudyArchiveWriter w = StudyArchiveWriter.open(sink, held::add);
    w.handOver(TinyDicom.uid(1), largeInstance(1, StudyArchiveWriter.BESIDE_THRESHOLD));
    ((java.util.concurrent.Future<?>) held.remove(0)).cancel(false); // the digest never arrives
    assertThatThrownBy(w::finish).isInstanceOf(java.io.IOException.class);
    w.close();
    assertThatThrownBy(() -> readAll(sink.toByteArray())).isInstanceOfSatisfying(StudyArchiveException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
  }

  @Test
  void aModifiedInstanceByteIsCaughtAndNamed() throws Exception {
    byte[] archive = archiveOf(3);
    byte[] second = TinyDicom.instance(2);
    int at = indexOf(archive, Arrays.copyOfRange(second, second.length - 40, second.length));
    archive[at + 5] ^= 1; // a pixel byte of instance 2
    assertThatThrownBy(() -> readAll(archive)).isInstanceOfSatisfying(StudyArchiveException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.TAMPERED_INSTANCE);
      assertThat(e.subject()).isEqualTo(TinyDicom.uid(2));
    });
  }

  @Test
  void anArchiveCutBeforeItsManifestIsTruncated() throws Exception {
    byte[] archive = archiveOf(3);
    int manifestHeader = indexOf(archive, "manifest.json".getBytes(StandardCharsets.US_ASCII));
    for (int cut : new int[] {manifestHeader - 1, archive.length / 2, 600}) {
      byte[] cutArchive = Arrays.copyOf(archive, cut);
      assertThatThrownBy(() -> readAll(cutArchive)).isInstanceOfSatisfying(StudyArchiveException.class,
          e -> assertThat(e.reason()).isIn(Reason.TRUNCATED, Reason.MALFORMED_ENTRY));
    }
  }

  @Test
  void theWriterRefusesDuplicatesAndNonDicomAndThenNeverWritesAManifest() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    StudyArchiveWriter w = StudyArchiveWriter.open(sink);
    w.add(TinyDicom.instance(1));
    assertThatThrownBy(() -> w.add(TinyDicom.instance(1))).isInstanceOfSatisfying(StudyArchiveException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_INSTANCE));
    w.close();
    assertThatThrownBy(() -> readAll(sink.toByteArray())).isInstanceOfSatisfying(StudyArchiveException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));

    StudyArchiveWriter w2 = StudyArchiveWriter.open(new ByteArrayOutputStream());
    assertThatThrownBy(() -> w2.add("not dicom at all".getBytes(StandardCharsets.UTF_8))).isInstanceOfSatisfying(StudyArchiveException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.NOT_DICOM);
      assertThat(e.subject()).isEqualTo("instance #1");
    });
    assertThatThrownBy(() -> w2.add(TinyDicom.instance(2))).isInstanceOf(StudyArchiveException.class);
  }

  @Test
  void aStreamShorterThanItsDeclaredLengthFails() throws Exception {
    StudyArchiveWriter w = StudyArchiveWriter.open(new ByteArrayOutputStream());
    byte[] one = TinyDicom.instance(1);
    assertThatThrownBy(() -> w.add(TinyDicom.uid(1), one.length + 10, new ByteArrayInputStream(one)))
        .isInstanceOfSatisfying(StudyArchiveException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
  }

  @Test
  void duplicateMissingUnlistedAndReorderedEntriesAreTypedErrors() throws Exception {
    byte[] a = TinyDicom.instance(1), b = TinyDicom.instance(2);
    List<String[]> ab = List.of(new String[] {TinyDicom.uid(1), Digests.sha256Hex(a), "" + a.length}, new String[] {TinyDicom.uid(2), Digests.sha256Hex(b), "" + b.length});
    // duplicate entry in the body
    assertReason(craft(List.of(a, a), List.of(TinyDicom.uid(1), TinyDicom.uid(1)), ab), Reason.DUPLICATE_INSTANCE, TinyDicom.uid(1));
    // manifest lists an instance the body lacks
    assertReason(craft(List.of(a), List.of(TinyDicom.uid(1)), ab), Reason.MISSING_INSTANCE, TinyDicom.uid(2));
    // body has an instance the manifest lacks
    assertReason(craft(List.of(a, b), List.of(TinyDicom.uid(1), TinyDicom.uid(2)), ab.subList(0, 1)), Reason.UNLISTED_INSTANCE, TinyDicom.uid(2));
    // swapped order
    assertReason(craft(List.of(b, a), List.of(TinyDicom.uid(2), TinyDicom.uid(1)), ab), Reason.UNLISTED_INSTANCE, TinyDicom.uid(2));
    // bytes swapped between two UIDs
    assertReason(craft(List.of(b, a), List.of(TinyDicom.uid(1), TinyDicom.uid(2)), ab), Reason.TAMPERED_INSTANCE, TinyDicom.uid(1));
  }

  @Test
  void somethingElseIsNotAStudyArchive() {
    assertThatThrownBy(() -> readAll(new byte[2048])).isInstanceOf(StudyArchiveException.class);
    assertThatThrownBy(() -> readAll("hello".getBytes(StandardCharsets.UTF_8))).isInstanceOf(StudyArchiveException.class);
  }

  @Test
  void instancesOverTheReaderLimitAreRefused() throws Exception {
    byte[] archive = archiveOf(1);
    try (StudyArchiveReader r = StudyArchiveReader.open(new ByteArrayInputStream(archive), 100)) {
      assertThatThrownBy(r::next).isInstanceOfSatisfying(StudyArchiveException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INSTANCE_TOO_LARGE));
    }
  }

  private static void assertReason(byte[] archive, Reason reason, String subject) {
    assertThatThrownBy(() -> readAll(archive)).isInstanceOfSatisfying(StudyArchiveException.class, e -> {
      assertThat(e.reason()).isEqualTo(reason);
      assertThat(e.subject()).isEqualTo(subject);
    });
  }

  /** Builds an archive by hand (as an attacker or a buggy writer would) with the given body and manifest. */
  private static byte[] craft(List<byte[]> bodies, List<String> uids, List<String[]> manifest) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ObjectMapper json = new ObjectMapper();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      put(tar, "secaimed-study-archive.json", json.writeValueAsBytes(Map.of("format", "secaimed-study-archive", "version", 1)), null);
      for (int i = 0; i < bodies.size(); i++) put(tar, "instances/" + (i + 1) + ".dcm", bodies.get(i), uids.get(i));
      List<Map<String, Object>> lines = new ArrayList<>();
      for (String[] m : manifest) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("sopInstanceUid", m[0]);
        line.put("sha256", m[1]);
        line.put("length", Long.parseLong(m[2]));
        lines.add(line);
      }
      put(tar, "manifest.json", json.writeValueAsBytes(Map.of("instanceCount", lines.size(), "instances", lines)), null);
    }
    return out.toByteArray();
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] content, String uid) throws Exception {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    if (uid != null) e.addPaxHeader("SECAIMED.sopInstanceUid", uid);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("needle not found");
  }
}
