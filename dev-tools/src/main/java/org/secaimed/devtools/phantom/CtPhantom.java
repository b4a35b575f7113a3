package org.secaimed.devtools.phantom;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.secaimed.enclave.server.algorithms.ct.CtBodyLungsBone;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.ImageVolume;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * A synthetic chest CT with exact ground truth (docs/algorithms.md): an elliptical body of soft
 * tissue under a fat layer, in air, on a scanner table; two lungs with vessels; a spine with
 * vertebral bodies, discs, neural arches and canal; a sternum; ribs at regular levels. The image
 * gets a little in-plane partial-volume blur and Gaussian noise. Labels follow
 * {@link CtBodyLungsBone#SEGMENTS}: 1 body, 2 lungs (vessels included), 3 bone; the table is background.
 *
 * <p>Every slice is computed independently from (seed, slice index), so a 512x512x300 series can be
 * streamed slice by slice without holding the volume, and the same seed always yields the same bytes.
 */
public final class CtPhantom {
  public static final int BODY = CtBodyLungsBone.BODY, LUNG = CtBodyLungsBone.LUNG, BONE = CtBodyLungsBone.BONE;

  static final double AIR = -1000, FAT = -100, SOFT = 40, LUNG_HU = -850, BONE_HU = 800, DISC = 80, CSF = 15, TABLE = 200;

  private final ImageGeometry geometry;
  private final long seed;
  private final double noiseHu;
  private final boolean table;

  private CtPhantom(Builder b) {
    double fov = b.fieldOfViewMm;
    // Rounded to the micrometre so DICOM decimal strings carry the geometry exactly.
    double px = micro(fov / b.columns);
    double dz = micro(b.sliceSpacingMm > 0 ? b.sliceSpacingMm : Math.max(1.0, 300.0 / b.slices));
    double[] origin = {micro(-(b.columns - 1) * px / 2), micro(-(b.rows - 1) * px / 2), micro(-(b.slices - 1) * dz / 2)};
    this.geometry = new ImageGeometry(b.columns, b.rows, b.slices, new double[] {px, px, dz}, origin,
        new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {0, 0, 1});
    this.seed = b.seed;
    this.noiseHu = b.noiseHu;
    this.table = b.table;
  }

  private static double micro(double mm) {
    return Math.round(mm * 1e6) / 1e6;
  }

  public static Builder builder() {
    return new Builder();
  }

  public ImageGeometry geometry() {
    return geometry;
  }

  public long seed() {
    return seed;
  }

  public List<SegmentDescription> segments() {
    return CtBodyLungsBone.SEGMENTS;
  }

  /** One axial slice: HU values (after blur and noise) and the ground-truth labels at voxel centres. */
  public record Slice(int index, short[] hu, byte[] labels) {}

  public Slice slice(int k) {
    if (k < 0 || k >= geometry.slices()) throw new IndexOutOfBoundsException("slice " + k);
    int nx = geometry.columns(), ny = geometry.rows();
    double[] hu = new double[nx * ny];
    byte[] labels = new byte[nx * ny];
    java.util.Arrays.fill(hu, AIR);
    double u = geometry.slices() == 1 ? 0.5 : (double) k / (geometry.slices() - 1);
    new Anatomy(seed, u).render(new Canvas(hu, labels, nx, ny, geometry.spacing()[0], geometry.origin()[0], geometry.origin()[1]), table);
    double[] blurred = blur(hu, nx, ny);
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + k);
    short[] out = new short[nx * ny];
    for (int i = 0; i < out.length; i++) {
      double v = blurred[i] + noiseHu * random.nextGaussian();
      out[i] = (short) Math.max(-1024, Math.min(3071, Math.round(v)));
    }
    return new Slice(k, out, labels);
  }

  /** The whole image volume (HU); 150 MB at 512x512x300. Slices are computed in parallel. */
  public ImageVolume image() {
    short[] v = new short[Math.toIntExact(geometry.voxelCount())];
    int frame = geometry.frameSize();
    IntStream.range(0, geometry.slices()).parallel().forEach(k -> System.arraycopy(slice(k).hu(), 0, v, k * frame, frame));
    return new ImageVolume(geometry, v);
  }

  /** The ground-truth label volume. */
  public LabelVolume truth() {
    byte[] l = new byte[Math.toIntExact(geometry.voxelCount())];
    int frame = geometry.frameSize();
    IntStream.range(0, geometry.slices()).parallel().forEach(k -> System.arraycopy(slice(k).labels(), 0, l, k * frame, frame));
    return new LabelVolume(geometry, l);
  }

  /** 3x3 binomial kernel: about half a voxel of partial-volume blur, as a CT reconstruction kernel gives. */
  private static double[] blur(double[] in, int nx, int ny) {
    double[] tmp = new double[in.length], out = new double[in.length];
    for (int j = 0; j < ny; j++) {
      for (int i = 0; i < nx; i++) {
        int idx = j * nx + i;
        double l = in[i > 0 ? idx - 1 : idx], r = in[i < nx - 1 ? idx + 1 : idx];
        tmp[idx] = 0.25 * l + 0.5 * in[idx] + 0.25 * r;
      }
    }
    for (int j = 0; j < ny; j++) {
      for (int i = 0; i < nx; i++) {
        int idx = j * nx + i;
        double u = tmp[j > 0 ? idx - nx : idx], d = tmp[j < ny - 1 ? idx + nx : idx];
        out[idx] = 0.25 * u + 0.5 * tmp[idx] + 0.25 * d;
      }
    }
    return out;
  }

  public static final class Builder {
    private int columns = 512, rows = 512, slices = 300;
    private double fieldOfViewMm = 400;
    private double sliceSpacingMm = 0;
    private long seed = 1;
    private double noiseHu = 12;
    private boolean table = true;

    /** Matrix size; 8..1024 in-plane, 1..4096 slices. */
    public Builder size(int columns, int rows, int slices) {
      if (columns < 8 || rows < 8 || columns > 1024 || rows > 1024) throw new IllegalArgumentException("in-plane size must be 8..1024");
      if (slices < 1 || slices > 4096) throw new IllegalArgumentException("slices must be 1..4096");
      this.columns = columns;
      this.rows = rows;
      this.slices = slices;
      return this;
    }

    /** Square in-plane field of view in mm (pixel spacing = fov / columns); default 400. */
    public Builder fieldOfViewMm(double fov) {
      if (!(fov >= 200 && fov <= 1000)) throw new IllegalArgumentException("field of view must be 200..1000 mm");
      this.fieldOfViewMm = fov;
      return this;
    }

    /** Slice spacing (= thickness) in mm; default spreads the chest over the slices (at least 1 mm). */
    public Builder sliceSpacingMm(double dz) {
      if (!(dz > 0 && dz <= 20)) throw new IllegalArgumentException("slice spacing must be in (0, 20] mm");
      this.sliceSpacingMm = dz;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Standard deviation of the Gaussian noise in HU; default 12. */
    public Builder noiseHu(double sigma) {
      if (!(sigma >= 0 && sigma <= 200)) throw new IllegalArgumentException("noise must be 0..200 HU");
      this.noiseHu = sigma;
      return this;
    }

    public Builder table(boolean table) {
      this.table = table;
      return this;
    }

    public CtPhantom build() {
      return new CtPhantom(this);
    }
  }
}
