package org.secaimed.enclave.server.algorithms.ct;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.secaimed.enclave.server.algorithms.Algorithm;
import org.secaimed.enclave.server.algorithms.AlgorithmDescriptor;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.Cancellation;
import org.secaimed.enclave.server.algorithms.CodeDigest;
import org.secaimed.enclave.server.algorithms.Parameters;
import org.secaimed.enclave.server.algorithms.ProgressListener;
import org.secaimed.enclave.server.algorithms.Segmentation;
import org.secaimed.enclave.server.algorithms.Segmenter;
import org.secaimed.enclave.server.algorithms.TaskKind;
import org.secaimed.enclave.server.algorithms.morphology.Masks;
import org.secaimed.enclave.server.algorithms.morphology.RunComponents;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.SegmentDescription.AlgorithmType;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.ImageVolume;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * Classical CT segmentation of body, lungs and bone (docs/algorithms.md):
 * <ol>
 *   <li>body = largest 6-connected component of HU &gt; {@code bodyHu} (drops the table, cables, noise),
 *       holes filled slice by slice (so lungs and bowel gas are inside);
 *   <li>lungs = up to the two largest components of (body and HU &lt; {@code lungHu}) that are at
 *       least 5% of the largest, with vessels filled in slice by slice;
 *   <li>bone = body and HU &gt; {@code boneHu}, components under {@code minBoneVoxels} dropped;
 *   <li>labels 1 body (what remains), 2 lung, 3 bone.
 * </ol>
 */
public final class CtBodyLungsBone implements Algorithm {
  public static final String ID = "ct-body-lungs-bone";
  public static final String VERSION = "1.0.0";
  static final String NAME = ID + " " + VERSION;

  public static final int BODY = 1, LUNG = 2, BONE = 3;

  // Codes from the DICOM master lists (CID 7150 categories, CID 7151-7166 types), as dcmqi ships them.
  public static final CodedConcept ANATOMICAL_STRUCTURE = CodedConcept.sct("123037004", "Anatomical Structure");
  public static final CodedConcept TISSUE = CodedConcept.sct("85756007", "Tissue");
  public static final CodedConcept ENTIRE_BODY = CodedConcept.sct("38266002", "Entire body");
  public static final CodedConcept LUNG_CODE = CodedConcept.sct("39607008", "Lung");
  public static final CodedConcept BONE_CODE = CodedConcept.sct("272673000", "Bone");

  public static final List<SegmentDescription> SEGMENTS = List.of(
      new SegmentDescription(BODY, "Body", ANATOMICAL_STRUCTURE, ENTIRE_BODY, null, AlgorithmType.AUTOMATIC, NAME, new int[] {177, 122, 101}),
      new SegmentDescription(LUNG, "Lungs", ANATOMICAL_STRUCTURE, LUNG_CODE, null, AlgorithmType.AUTOMATIC, NAME, new int[] {197, 165, 145}),
      new SegmentDescription(BONE, "Bone", TISSUE, BONE_CODE, null, AlgorithmType.AUTOMATIC, NAME, new int[] {241, 214, 145}));

  private static final Set<String> PARAMETERS = Set.of("bodyHu", "lungHu", "boneHu", "minBoneVoxels");

  private final AlgorithmDescriptor descriptor = new AlgorithmDescriptor(ID, VERSION,
      CodeDigest.of(ID, VERSION, CtBodyLungsBone.class, Thresholds.class, Masks.class, RunComponents.class),
      Set.of(TaskKind.SEGMENTATION, TaskKind.EVALUATION), "CT", SEGMENTS,
      "Classical CT segmentation: HU thresholds, connected components, hole filling. Labels body (soft tissue), lungs, bone.");

  @Override
  public AlgorithmDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public Set<String> parameterNames() {
    return PARAMETERS;
  }

  /** HU thresholds; defaults sit midway between the tissues they separate. */
  public record Thresholds(int bodyHu, int lungHu, int boneHu, int minBoneVoxels) {
    public static final Thresholds DEFAULT = new Thresholds(-500, -400, 300, 30);
  }

  @Override
  public Segmenter segmenter(Parameters p) throws AlgorithmException {
    Thresholds d = Thresholds.DEFAULT;
    Thresholds t = new Thresholds(p.integer("bodyHu", d.bodyHu(), -1000, 0), p.integer("lungHu", d.lungHu(), -1000, 0),
        p.integer("boneHu", d.boneHu(), 100, 3000), p.integer("minBoneVoxels", d.minBoneVoxels(), 0, 1_000_000));
    if (t.lungHu() < t.bodyHu()) {
      throw new AlgorithmException(AlgorithmException.Reason.BAD_PARAMETER, "parameters.lungHu", "must not be below bodyHu");
    }
    return (image, progress) -> segment(image, t, progress);
  }

  public static Segmentation segment(ImageVolume image, Thresholds t, ProgressListener progress) throws AlgorithmException {
    ImageGeometry g = image.geometry();
    int nx = g.columns(), ny = g.rows(), nz = g.slices();
    short[] hu = image.voxels();
    int n = hu.length;
    long started = System.nanoTime();

    // Every mask is worked on in place and the labels are written over the body's mask: at most
    // three byte masks live beside the study (four copies more used to, 2.2 GB on a 2,000-slice CT).
    byte[] body = Masks.keepLargestComponents(threshold(hu, v -> v > t.bodyHu()), nx, ny, nz, 1, 0);
    Masks.fillHolesPerSlice(body, nx, ny, nz);
    Cancellation.check();

    progress.progress("lungs", 0.4);
    // Lungs and bone depend only on the body: bone's components are found on another core meanwhile.
    java.util.concurrent.CompletableFuture<byte[]> boneMask = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      byte[] dense = new byte[n];
      IntStream.range(0, nz).parallel().forEach(k -> {
        for (int i = k * nx * ny, e = i + nx * ny; i < e; i++) dense[i] = (byte) (body[i] != 0 && hu[i] > t.boneHu() ? 1 : 0);
      });
      return Masks.dropSmallComponents(dense, nx, ny, nz, t.minBoneVoxels());
    });
    byte[] lungs = new byte[n];
    IntStream.range(0, nz).parallel().forEach(k -> {
      for (int i = k * nx * ny, e = i + nx * ny; i < e; i++) lungs[i] = (byte) (body[i] != 0 && hu[i] < t.lungHu() ? 1 : 0);
    });
    Masks.keepLargestComponents(lungs, nx, ny, nz, 2, 0.05);
    Masks.fillHolesPerSlice(lungs, nx, ny, nz);
    progress.progress("bone", 0.7);
    byte[] bone = boneMask.join();
    Cancellation.check();

    byte[] labels = body; // each voxel's label replaces its body bit, which nothing reads after
    long[][] perSlice = new long[nz][4];
    IntStream.range(0, nz).parallel().forEach(k -> {
      long[] c = perSlice[k];
      for (int i = k * nx * ny, e = i + nx * ny; i < e; i++) {
        int l = bone[i] != 0 ? BONE : lungs[i] != 0 ? LUNG : labels[i] != 0 ? BODY : 0;
        labels[i] = (byte) l;
        c[l]++;
      }
    });
    long[] counts = new long[4];
    for (long[] c : perSlice) for (int l = 0; l < 4; l++) counts[l] += c[l];
    double voxelMl = g.spacing()[0] * g.spacing()[1] * g.spacing()[2] / 1000.0;
    List<Metric> metrics = List.of(
        Metric.segment("volume", BODY, counts[BODY] * voxelMl, "ml"),
        Metric.segment("volume", LUNG, counts[LUNG] * voxelMl, "ml"),
        Metric.segment("volume", BONE, counts[BONE] * voxelMl, "ml"),
        Metric.task("seconds", (System.nanoTime() - started) / 1e9, "s"));
    progress.progress("segmented", 1.0);
    return new Segmentation(new LabelVolume(g, labels), SEGMENTS, metrics);
  }

  private static byte[] threshold(short[] hu, java.util.function.IntPredicate inside) {
    byte[] m = new byte[hu.length];
    int chunk = 1 << 20;
    IntStream.range(0, (hu.length + chunk - 1) / chunk).parallel().forEach(c -> {
      for (int i = c * chunk, e = Math.min(hu.length, i + chunk); i < e; i++) m[i] = (byte) (inside.test(hu[i]) ? 1 : 0);
    });
    return m;
  }
}
