package org.secaimed.dicom.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Deterministic mutations of valid payloads (bit flips, byte overwrites, truncations, spliced
 * blocks): every outcome is either a typed exception or a payload identical to the original.
 * Nothing else escapes (no RuntimeException, no OutOfMemoryError from a forged length).
 */
class ExchangeMutationTest {

  @Test
  void mutatedStudyArchivesFailTypedOrReadBackUnchanged() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (StudyArchiveWriter w = StudyArchiveWriter.open(out)) {
      for (int i = 1; i <= 3; i++) w.add(TinyDicom.instance(i));
    }
    byte[] valid = out.toByteArray();
    StudyManifest original = readStudy(valid);
    Random r = new Random(1234);
    int typed = 0;
    for (int trial = 0; trial < 400; trial++) {
      byte[] m = mutate(valid, r);
      try {
        assertThat(readStudy(m)).isEqualTo(original);
      } catch (StudyArchiveException e) {
        typed++;
      }
    }
    assertThat(typed).isGreaterThan(100);
  }

  @Test
  void mutatedResultPayloadsFailTypedOrReadBackUnchanged() throws Exception {
    ResultPayload.Segmentation s = new ResultPayload.Segmentation(ResultPayloadsTest.ALG,
        new org.secaimed.dicom.volume.LabelVolume(ResultPayloadsTest.GEOMETRY, new byte[24]), List.of(ResultPayloadsTest.LUNG), null, null, List.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResultPayloads.write(s, out);
    byte[] valid = out.toByteArray();
    Random r = new Random(99);
    int typed = 0;
    for (int trial = 0; trial < 400; trial++) {
      byte[] m = mutate(valid, r);
      try {
        ResultPayload back = ResultPayloads.read(new ByteArrayInputStream(m));
        assertThat(((ResultPayload.Segmentation) back).labels().labels()).isEqualTo(s.labels().labels());
      } catch (ResultPayloadException e) {
        typed++;
      }
    }
    assertThat(typed).isGreaterThan(100);
  }

  private static StudyManifest readStudy(byte[] archive) throws Exception {
    try (StudyArchiveReader reader = StudyArchiveReader.open(new ByteArrayInputStream(archive), 1 << 20)) {
      while (reader.next() != null) {
        // drain
      }
      return reader.manifest();
    }
  }

  /** Mutations aimed at what matters: the first 4 KB (headers, marker, first instance) and the tail (manifest). */
  private static byte[] mutate(byte[] valid, Random r) {
    byte[] m = valid.clone();
    int region = r.nextBoolean() ? Math.min(4096, m.length) : m.length;
    switch (r.nextInt(4)) {
      case 0 -> m[r.nextInt(region)] ^= (byte) (1 << r.nextInt(8));
      case 1 -> {
        int at = r.nextInt(region);
        for (int i = 0; i < 1 + r.nextInt(12) && at + i < m.length; i++) m[at + i] = (byte) r.nextInt(256);
      }
      case 2 -> m = Arrays.copyOf(m, r.nextInt(m.length));
      default -> {
        int from = r.nextInt(m.length / 512) * 512, to = r.nextInt(m.length / 512) * 512;
        System.arraycopy(valid, from, m, to, Math.min(512, Math.min(m.length - to, valid.length - from)));
      }
    }
    return m;
  }
}
