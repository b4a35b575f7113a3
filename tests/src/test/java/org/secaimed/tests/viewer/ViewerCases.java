package org.secaimed.tests.viewer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.SegmentDescription.AlgorithmType;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationBuilder;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * The SEGs the browser test loads, written by our builder into a web root: CT phantoms (a small
 * chest and a 23×37 grid, whose 851-pixel frames do not fill whole bytes) and the shared rotated MR
 * (served from ../shared under /mr/) with three synthetic segments; BINARY, FRACTIONAL and LABELMAP.
 */
final class ViewerCases {
  static final String MR_FOLDER = "mr-pacsman-128";
  private static final SegmentationType[] ALL = {SegmentationType.BINARY, SegmentationType.FRACTIONAL, SegmentationType.LABELMAP};

  private final Path root;
  private final List<ViewerCase> cases = new ArrayList<>();

  private ViewerCases(Path root) {
    this.root = root;
  }

  /** Writes every case under {@code root} ({@code segs/}, {@code ct-*}/ series); MR images are URLs under /mr/. */
  static List<ViewerCase> write(Path root, Path mrDirectory) throws Exception {
    ViewerCases c = new ViewerCases(root);
    CtPhantom chest = CtPhantom.builder().size(64, 48, 6).seed(11).build();
    Source ct = c.phantomSeries("ct-chest", chest);
    for (SegmentationType t : ALL) c.add("ct-" + lower(t), "CT", ct, t, chest.truth(), chest.segments());

    CtPhantom odd = CtPhantom.builder().size(23, 37, 3).seed(12).build();
    Source ctOdd = c.phantomSeries("ct-23x37", odd);
    for (SegmentationType t : ALL) c.add("ct-23x37-" + lower(t), "CT", ctOdd, t, odd.truth(), odd.segments());
    // Hand-made BINARY on the 23×37 grid: 3 frames = 2553 bits = 320 bytes (no pad byte) and
    // 6 frames = 5106 bits = 639 bytes, padded to 640 as PS3.5 7.1 requires.
    c.add("ct-23x37-binary-3frames", "CT", ctOdd, SegmentationType.BINARY, boxes(odd.geometry(), 1), described(odd, 1));
    c.add("ct-23x37-binary-6frames", "CT", ctOdd, SegmentationType.BINARY, boxes(odd.geometry(), 2), described(odd, 1, 2));

    Source mr = new Source(SeriesAssembler.create().withPixels(false).addDirectory(mrDirectory).assemble(), new ArrayList<>());
    try (var files = Files.list(mrDirectory)) {
      files.filter(f -> f.toString().endsWith(".dcm")).sorted().forEach(f -> mr.urls().add("mr/" + f.getFileName()));
    }
    LabelVolume mrLabels = mrSpheres(mr.series().geometry());
    for (SegmentationType t : ALL) c.add("mr-" + lower(t), "MR", mr, t, mrLabels, MR_SEGMENTS);
    return c.cases;
  }

  private record Source(AssembledSeries series, List<String> urls) {}

  private Source phantomSeries(String folder, CtPhantom phantom) throws Exception {
    List<Path> files = new PhantomSeries(phantom).writeTo(root.resolve(folder));
    List<String> urls = new ArrayList<>();
    SeriesAssembler a = SeriesAssembler.create().withPixels(false);
    for (Path f : files) {
      urls.add(folder + "/" + f.getFileName());
      a.addFile(f);
    }
    return new Source(a.assemble(), urls);
  }

  private void add(String name, String modality, Source source, SegmentationType type, LabelVolume labels,
      List<SegmentDescription> described) throws Exception {
    Segmentation seg = SegmentationBuilder.forSource(source.series())
        .type(type)
        .labels(labels, described)
        .seriesDescription("viewer test " + name)
        .uidSeed("viewer-test-" + name)
        .contentDateTime(LocalDateTime.of(2026, 1, 1, 12, 0))
        .build();
    Path file = root.resolve("segs").resolve(name + ".dcm");
    Files.createDirectories(file.getParent());
    seg.writeTo(file);
    cases.add(ViewerCase.expect(name, modality, seg, file, source.urls(), source.series(), labels, described));
  }

  /** {@code n} disjoint rectangles, each on every slice. */
  private static LabelVolume boxes(ImageGeometry g, int n) {
    byte[] v = new byte[Math.toIntExact(g.voxelCount())];
    for (int k = 0; k < g.slices(); k++) {
      for (int j = 3; j < g.rows() - 3; j++) {
        for (int i = 2; i < g.columns() - 2; i++) {
          int label = n == 1 || j < g.rows() / 2 ? 1 : 2;
          if ((i + k) % 7 != 0) v[i + g.columns() * (j + g.rows() * k)] = (byte) label; // ragged edges, bits everywhere
        }
      }
    }
    return new LabelVolume(g, v);
  }

  private static List<SegmentDescription> described(CtPhantom phantom, int... labels) {
    List<SegmentDescription> out = new ArrayList<>();
    for (int l : labels) out.add(phantom.segments().stream().filter(d -> d.number() == l).findFirst().orElseThrow());
    return out;
  }

  static final List<SegmentDescription> MR_SEGMENTS = List.of(
      new SegmentDescription(1, "Brain", CodedConcept.sct("85756007", "Tissue"), CodedConcept.sct("12738006", "Brain"), null,
          AlgorithmType.AUTOMATIC, "viewer-test", new int[] {220, 180, 140}),
      new SegmentDescription(2, "Lesion", CodedConcept.sct("49755003", "Morphologically Altered Structure"),
          CodedConcept.sct("52988006", "Lesion"), null, AlgorithmType.AUTOMATIC, "viewer-test", new int[] {250, 40, 40}),
      new SegmentDescription(4, "Eye", CodedConcept.sct("123037004", "Anatomical Structure"), CodedConcept.sct("81745001", "Eye"),
          null, AlgorithmType.AUTOMATIC, "viewer-test", new int[] {60, 120, 250}));

  /** A large sphere (1), a small one inside it (2) and a box (label 4: LABELMAP keeps the gap). */
  private static LabelVolume mrSpheres(ImageGeometry g) {
    int nx = g.columns(), ny = g.rows(), nz = g.slices();
    byte[] v = new byte[Math.toIntExact(g.voxelCount())];
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          int label = 0;
          if (sq(i - 64) + sq(j - 60) + sq(k - 64) < sq(34)) label = 1;
          if (sq(i - 52) + sq(j - 72) + sq(k - 50) < sq(11)) label = 2;
          if (i >= 96 && i < 108 && j >= 20 && j < 35 && k >= 70 && k < 81) label = 4;
          v[i + nx * (j + ny * k)] = (byte) label;
        }
      }
    }
    return new LabelVolume(g, v);
  }

  private static int sq(int x) {
    return x * x;
  }

  private static String lower(SegmentationType t) {
    return t.name().toLowerCase(java.util.Locale.ROOT);
  }
}
