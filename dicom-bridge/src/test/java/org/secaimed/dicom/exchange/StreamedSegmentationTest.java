package org.secaimed.dicom.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.secaimed.dicom.exchange.ResultPayloadException.Reason;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SyntheticSeries;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationBuilder;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.dicom.volume.LabelSlices;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * The operator's streaming result path (issue 16): a label map read slice by slice from the result
 * payload gives the same SEG, byte for byte, as the whole volume in memory, and is checked as
 * strictly as {@link ResultPayloads#read} checks it.
 */
class StreamedSegmentationTest {
  static final AlgorithmRef ALG = new AlgorithmRef("ct-body-lungs-bone", "1.0.0", "sha256:" + "ab".repeat(32));
  static final LocalDateTime WHEN = LocalDateTime.of(2026, 12, 7, 4, 5, 6);

  /** 7 slices, two of them empty, one segment never present. */
  static AssembledSeries series(int columns, int rows) throws Exception {
    return SeriesAssembler.create().withPixels(false).addAll(SyntheticSeries.ctSlices(columns, rows, 7, 2.0)).assemble();
  }

  static AssembledSeries series() throws Exception {
    return series(23, 37);
  }

  static byte[] labels(AssembledSeries s, long seed) throws Exception {
    int frame = s.geometry().frameSize();
    byte[] lab = new byte[(int) s.geometry().voxelCount()];
    Random r = new Random(seed);
    for (int i = 0; i < lab.length; i++) {
      int k = i / frame;
      if (k == 1 || k == 4) continue;
      int v = r.nextInt(10);
      lab[i] = (byte) (v < 6 ? 0 : v < 8 ? 2 : v < 9 ? 200 : 7);
      if (k == 2 && lab[i] == 7) lab[i] = 0;
    }
    return lab;
  }

  static SegmentDescription described(int number, String label) {
    return new SegmentDescription(number, label, CodedConcept.sct("123037004", "Anatomical Structure"), CodedConcept.sct("10200004", "Liver"),
        null, SegmentDescription.AlgorithmType.AUTOMATIC, "test", new int[] {200, 30, 30});
  }

  static final List<SegmentDescription> SEGMENTS = List.of(described(2, "a"), described(200, "b"), described(7, "c"), described(9, "none found"));

  static byte[] payload(LabelVolume labels, List<SegmentDescription> segments) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResultPayloads.write(new ResultPayload.Segmentation(ALG, labels, segments, null, null, List.of()), out);
    return out.toByteArray();
  }

  static byte[] seg(AssembledSeries s, SegmentationType type, LabelSlices labels) throws Exception {
    Segmentation seg = SegmentationBuilder.forSource(s).type(type).labels(labels, SEGMENTS).algorithm("alg", "1")
        .uidSeed("task-1").contentDateTime(WHEN).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    seg.writeTo(out);
    assertThat((long) out.size()).as("announced length").isEqualTo(seg.part10Length());
    return out.toByteArray();
  }

  /** 23x37 frames are not a whole number of bytes (BINARY bits run across frames); 16x24 ones are (eight voxels per step). */
  static Stream<Arguments> typesAndGrids() {
    return Stream.of(SegmentationType.values()).flatMap(t -> Stream.of(Arguments.of(t, 23, 37), Arguments.of(t, 16, 24)));
  }

  @ParameterizedTest
  @MethodSource("typesAndGrids")
  void aLabelMapReadSliceBySliceFromTheResultWritesTheSameSegAsTheWholeVolume(SegmentationType type, int columns, int rows) throws Exception {
    AssembledSeries s = series(columns, rows);
    LabelVolume whole = new LabelVolume(s.geometry(), labels(s, 1));
    byte[] payload = payload(whole, SEGMENTS);
    AtomicInteger opened = new AtomicInteger();
    StreamedSegmentation streamed = ResultPayloads.readStreamed(() -> {
      opened.incrementAndGet();
      return new ByteArrayInputStream(payload);
    });
    assertThat(streamed.segments()).usingRecursiveFieldByFieldElementComparator().isEqualTo(SEGMENTS);

    byte[] fromStream = seg(s, type, streamed.labels());
    byte[] fromMemory = seg(s, type, whole);
    assertThat(fromStream).isEqualTo(fromMemory);
    assertThat(opened.get()).as("the result was opened again for each pass, not kept").isGreaterThan(2);

    // The whole dataset in memory, written by PixelMed: how the SEG was written before it streamed.
    Segmentation seg = SegmentationBuilder.forSource(s).type(type).labels(whole, SEGMENTS).algorithm("alg", "1")
        .uidSeed("task-1").contentDateTime(WHEN).build();
    ByteArrayOutputStream pixelMed = new ByteArrayOutputStream();
    seg.dataset().write(pixelMed, "1.2.840.10008.1.2.1", true, true);
    assertThat(fromStream).isEqualTo(pixelMed.toByteArray());
  }

  @Test
  void readStreamedRefusesAnUndescribedLabelValue() throws Exception {
    AssembledSeries s = series();
    byte[] payload = payload(new LabelVolume(s.geometry(), labels(s, 1)), List.of(described(2, "a"), described(200, "b")));
    assertThatThrownBy(() -> ResultPayloads.readStreamed(() -> new ByteArrayInputStream(payload)))
        .isInstanceOfSatisfying(ResultPayloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.LABELS_MISMATCH))
        .hasMessageContaining("has no segment description");
  }

  /**
   * result.json is read before the opening stream reaches the receipt's digest, so a substituted
   * result claiming one enormous slice must be refused before a slice buffer is made (the old
   * reader allocated the whole 2 GiB label array, then found the labels short).
   */
  @Test
  void aResultClaimingAnEnormousSliceIsRefusedBeforeAnyBufferIsMade() throws Exception {
    AssembledSeries s = series();
    byte[] valid = payload(new LabelVolume(s.geometry(), labels(s, 1)), SEGMENTS);
    byte[] crafted = withResultJson(valid, json -> {
      com.fasterxml.jackson.databind.node.ObjectNode seg = (com.fasterxml.jackson.databind.node.ObjectNode) json.get("segmentation");
      ((com.fasterxml.jackson.databind.node.ObjectNode) seg.get("geometry")).put("columns", 65535).put("rows", 32768).put("slices", 1);
      ((com.fasterxml.jackson.databind.node.ObjectNode) seg.get("labels")).put("length", 65535L * 32768);
      seg.remove("source");
    });
    for (var read : List.<org.junit.jupiter.api.function.ThrowingSupplier<?>>of(
        () -> ResultPayloads.readStreamed(() -> new ByteArrayInputStream(crafted)),
        () -> ResultPayloads.read(new ByteArrayInputStream(crafted)))) {
      assertThatThrownBy(read::get).isInstanceOfSatisfying(ResultPayloadException.class, e -> {
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e.field()).isEqualTo("segmentation.geometry");
      }).hasMessageContaining("labels per slice");
    }
  }

  /** The payload with its result.json edited (the labels entry kept as it was). */
  static byte[] withResultJson(byte[] payload, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit) throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(new ByteArrayInputStream(payload));
         var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] body = in.readAllBytes();
        if (e.getName().equals(ResultPayloads.RESULT_ENTRY)) {
          var json = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(body);
          edit.accept(json);
          body = mapper.writeValueAsBytes(json);
        }
        var copy = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(e.getName());
        copy.setSize(body.length);
        tar.putArchiveEntry(copy);
        tar.write(body);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  /**
   * Within the operator's budget the checking pass keeps the label map, so the SEG writer's passes
   * (one per segment and for the UID seed) do not decrypt and inflate the result again each time;
   * beyond it the labels stream. Either way the SEG is the same, byte for byte.
   */
  @Test
  void aLabelMapWithinTheBudgetIsOpenedOnceAndWritesTheSameSeg() throws Exception {
    AssembledSeries s = series();
    byte[] payload = payload(new LabelVolume(s.geometry(), labels(s, 3)), SEGMENTS);
    int[] opens = {0};
    ResultSource counted = () -> {
      opens[0]++;
      return new ByteArrayInputStream(payload);
    };
    StreamedSegmentation kept = ResultPayloads.readStreamed(counted, s.geometry().voxelCount());
    byte[] fromMemory = seg(s, SegmentationType.BINARY, kept.labels());
    assertThat(opens[0]).as("opened once: checked and kept").isEqualTo(1);

    opens[0] = 0;
    StreamedSegmentation streamed = ResultPayloads.readStreamed(counted, s.geometry().voxelCount() - 1);
    byte[] fromResult = seg(s, SegmentationType.BINARY, streamed.labels());
    assertThat(opens[0]).as("one over the budget: read again for the writer's passes").isGreaterThan(1);
    assertThat(fromMemory).isEqualTo(fromResult);
  }

  @Test
  void readStreamedRefusesAResultOfAnotherKind() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResultPayloads.write(new ResultPayload.Evaluation(ALG, null, List.of()), out);
    assertThatThrownBy(() -> ResultPayloads.readStreamed(() -> new ByteArrayInputStream(out.toByteArray())))
        .isInstanceOfSatisfying(ResultPayloadException.class, e -> assertThat(e.field()).isEqualTo("kind"));
  }

  @Test
  void aPassOverLabelsThatChangedSinceTheyWereCheckedFailsAtItsEnd() throws Exception {
    AssembledSeries s = series();
    byte[] first = payload(new LabelVolume(s.geometry(), labels(s, 1)), SEGMENTS);
    byte[] other = payload(new LabelVolume(s.geometry(), labels(s, 2)), SEGMENTS);
    AtomicInteger opened = new AtomicInteger();
    StreamedSegmentation streamed = ResultPayloads.readStreamed(() -> new ByteArrayInputStream(opened.getAndIncrement() == 0 ? first : other));
    byte[] slice = new byte[23 * 37];
    try (LabelSlices.Pass pass = streamed.labels().pass()) {
      for (int k = 0; k < 6; k++) pass.next(slice);
      assertThatThrownBy(() -> pass.next(slice))
          .isInstanceOfSatisfying(ResultPayloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.LABELS_MISMATCH))
          .hasMessageContaining("SHA-256");
    }
  }
}
