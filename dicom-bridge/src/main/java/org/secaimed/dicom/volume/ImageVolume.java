package org.secaimed.dicom.volume;

/**
 * A scalar image on a geometry: CT in Hounsfield units (rescale already applied), MR in its
 * stored units. One short per voxel keeps a 512x512x300 CT at 150 MB.
 */
public record ImageVolume(ImageGeometry geometry, short[] voxels) {
  public ImageVolume {
    if (voxels.length != geometry.voxelCount()) {
      throw new IllegalArgumentException(
          "voxel count " + voxels.length + " does not match geometry " + geometry);
    }
  }

  public short at(int i, int j, int k) {
    return voxels[i + geometry.columns() * (j + geometry.rows() * k)];
  }
}
