package org.secaimed.enclave.server.algorithms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.exchange.StudyArchiveWriter;
import org.secaimed.dicom.seg.SegmentationType;

/** Study archives of generated phantoms, as the site would send them. */
final class PhantomArchives {
  private PhantomArchives() {}

  static PhantomSeries phantom(int size, int slices, long seed) {
    return new PhantomSeries(CtPhantom.builder().size(size, size, slices).seed(seed).build());
  }

  static byte[] archive(PhantomSeries series, SegmentationType truth) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (StudyArchiveWriter w = StudyArchiveWriter.open(out)) {
      for (int k = 0; k < series.size(); k++) w.add(series.instance(k));
      if (truth != null) w.add(series.groundTruthSeg(truth));
    }
    return out.toByteArray();
  }
}
