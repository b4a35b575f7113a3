package org.secaimed.dicom.labelmap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.dicom.labelmap.LabelMapException.Reason;
import org.secaimed.dicom.volume.LabelVolume;

/** Reads and writes label-map files by extension: {@code .nii}, {@code .nii.gz}, {@code .nrrd}. */
public final class LabelMapFiles {
  private LabelMapFiles() {}

  public enum Format { NIFTI, NIFTI_GZ, NRRD }

  public static Format formatOf(Path file) throws LabelMapException {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".nii.gz")) return Format.NIFTI_GZ;
    if (n.endsWith(".nii")) return Format.NIFTI;
    if (n.endsWith(".nrrd")) return Format.NRRD;
    throw new LabelMapException(Reason.UNSUPPORTED, file.getFileName() + ": use .nii, .nii.gz or .nrrd");
  }

  public static LabelMapImage read(Path file) throws LabelMapException {
    Format format = formatOf(file);
    String source = file.getFileName().toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new LabelMapException(Reason.UNREADABLE, source + ": " + e.getMessage(), e);
    }
    if (format == Format.NRRD) return NrrdFormat.read(bytes, source);
    if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new LabelMapException(Reason.UNREADABLE, source + ": gzip data is corrupt or truncated: " + e.getMessage(), e);
      }
    }
    return NiftiFormat.read(bytes, source);
  }

  /** Writes through a temporary file and an atomic move (mode per umask); NIfTI as uint8, NRRD as gzip'd unsigned char in LPS. */
  public static void write(LabelVolume volume, Path file) throws LabelMapException {
    Format format = formatOf(file);
    try {
      AtomicFiles.write(file, AtomicFiles.Access.SHARED, out -> {
        switch (format) {
          case NRRD -> NrrdFormat.write(volume, out);
          case NIFTI -> NiftiFormat.write(volume, out);
          case NIFTI_GZ -> {
            GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
            NiftiFormat.write(volume, gz);
            gz.finish();
          }
        }
      });
    } catch (IOException e) {
      throw new LabelMapException(Reason.WRITE_FAILED, file + ": " + e.getMessage(), e);
    }
  }
}
