package org.secaimed.dicom.geometry;

import java.util.List;
import org.secaimed.dicom.geometry.SeriesAssemblyException.Reason;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.ImageVolume;

/**
 * A series ordered along its slice normal: the source frames a SEG references, the shared in-plane
 * geometry, and (when pixels were loaded and spacing is regular) the voxel volume.
 * Slice k of {@link #geometry()} is {@code frames().get(k)}.
 */
public final class AssembledSeries {

  private final SeriesContext context;
  private final List<SourceFrame> frames;
  private final int rows;
  private final int columns;
  private final double[] pixelSpacing;
  private final String[] pixelSpacingText;
  private final double[] orientation;
  private final String[] orientationText;
  private final double[] normal;
  private final double[] distances;
  private final double sliceSpacing;
  private final String sliceThicknessText;
  private final List<String> irregularities;
  private final short[] voxels;
  private final List<String> skipped;
  private final List<String> notes;

  AssembledSeries(SeriesContext context, List<SourceFrame> frames, int rows, int columns,
      double[] pixelSpacing, String[] pixelSpacingText, double[] orientation, String[] orientationText,
      double[] normal, double[] distances, double sliceSpacing, String sliceThicknessText,
      List<String> irregularities, short[] voxels, List<String> skipped, List<String> notes) {
    this.context = context;
    this.frames = List.copyOf(frames);
    this.rows = rows;
    this.columns = columns;
    this.pixelSpacing = pixelSpacing.clone();
    this.pixelSpacingText = pixelSpacingText.clone();
    this.orientation = orientation.clone();
    this.orientationText = orientationText.clone();
    this.normal = normal.clone();
    this.distances = distances.clone();
    this.sliceSpacing = sliceSpacing;
    this.sliceThicknessText = sliceThicknessText;
    this.irregularities = List.copyOf(irregularities);
    this.voxels = voxels;
    this.skipped = List.copyOf(skipped);
    this.notes = List.copyOf(notes);
  }

  public SeriesContext context() { return context; }

  /** Source frames in volume order (ascending along the slice normal). */
  public List<SourceFrame> frames() { return frames; }

  public int rows() { return rows; }
  public int columns() { return columns; }
  public int slices() { return frames.size(); }

  /** DICOM PixelSpacing: (row spacing, column spacing) in mm. */
  public double[] pixelSpacing() { return pixelSpacing.clone(); }
  public String[] pixelSpacingText() { return pixelSpacingText.clone(); }

  /** ImageOrientationPatient, normalised: row direction then column direction. */
  public double[] orientation() { return orientation.clone(); }
  public String[] orientationText() { return orientationText.clone(); }

  /** Unit slice normal (row direction x column direction); volume slices ascend along it. */
  public double[] normal() { return normal.clone(); }

  /** Mean distance between adjacent slices (mm); for one slice the source's slice thickness or 1. */
  public double sliceSpacing() { return sliceSpacing; }

  /** The source's SliceThickness as encoded, or null when it has none. */
  public String sliceThicknessText() { return sliceThicknessText; }

  public boolean regular() { return irregularities.isEmpty(); }

  /** Human-readable description of every gap that differs from the mean spacing. */
  public List<String> irregularities() { return irregularities; }

  /** Files or instances that were not part of the image series (e.g. a SEG next to the CT), with why. */
  public List<String> skipped() { return skipped; }

  /** How the series was read, where a user should know (e.g. files without a Part 10 header). */
  public List<String> notes() { return notes; }

  public boolean hasPixels() { return voxels != null; }

  /** The regular voxel grid of this series (LPS). Irregular series have none. */
  public ImageGeometry geometry() throws SeriesAssemblyException {
    if (!regular()) {
      throw new SeriesAssemblyException(Reason.IRREGULAR_SPACING, context.seriesInstanceUid(), "ImagePositionPatient",
          "the series is not a regular grid: " + String.join("; ", irregularities));
    }
    double[] p0 = frames.get(0).position();
    return new ImageGeometry(columns, rows, frames.size(),
        new double[] {pixelSpacing[1], pixelSpacing[0], sliceSpacing},
        p0,
        new double[] {orientation[0], orientation[1], orientation[2]},
        new double[] {orientation[3], orientation[4], orientation[5]},
        normal);
  }

  /** The voxels (rescale applied: CT in HU). Requires pixels to have been loaded and regular spacing. */
  public ImageVolume volume() throws SeriesAssemblyException {
    if (voxels == null) throw new IllegalStateException("series was assembled without pixels (SeriesAssembler.withPixels(false))");
    return new ImageVolume(geometry(), voxels);
  }

  /** Distance of slice k along the normal (mm). */
  public double distanceOf(int k) { return distances[k]; }

  /**
   * The slice whose plane contains {@code position} (same in-plane origin, same distance along the
   * normal), within {@code toleranceMm}; -1 when none does.
   */
  public int sliceAt(double[] position, double toleranceMm) {
    double d = dot(position, normal);
    int lo = 0, hi = distances.length - 1, best = -1;
    double bestDiff = Double.MAX_VALUE;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      double diff = Math.abs(distances[mid] - d);
      if (diff < bestDiff) { bestDiff = diff; best = mid; }
      if (distances[mid] < d) lo = mid + 1; else hi = mid - 1;
    }
    if (best < 0 || bestDiff > toleranceMm) return -1;
    double[] p = frames.get(best).position();
    for (int a = 0; a < 3; a++) if (Math.abs(p[a] - position[a]) > toleranceMm) return -1;
    return best;
  }

  /** The slice index of a referenced instance (and frame, 0 for single-frame), or -1. */
  public int sliceOf(String sopInstanceUid, int frameNumber) {
    for (int k = 0; k < frames.size(); k++) {
      SourceFrame f = frames.get(k);
      if (f.sopInstanceUid().equals(sopInstanceUid) && (f.frameNumber() == frameNumber || (f.frameNumber() <= 1 && frameNumber <= 1))) {
        return k;
      }
    }
    return -1;
  }

  static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }
}
