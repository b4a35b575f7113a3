package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.secaimed.dicom.seg.Segmentation;

/**
 * Writes the SEG into a folder as {@code <SOPInstanceUID>.dcm} (temp file, then atomic move), or to
 * one named file. Only where the user asked for a file: in Kaapana the SEG goes to CTP instead.
 */
public final class DirectorySegDestination implements SegDestination {
  private final Path dir;
  private final String fileName;

  public DirectorySegDestination(Path dir) {
    this(dir, null);
  }

  public DirectorySegDestination(Path dir, String fileName) {
    this.dir = dir;
    this.fileName = fileName;
  }

  public Path fileFor(Segmentation seg) {
    return dir.resolve(fileName != null ? fileName : seg.sopInstanceUid() + ".dcm");
  }

  @Override
  public String store(Segmentation seg) throws IOException {
    Files.createDirectories(dir);
    Path target = fileFor(seg);
    try {
      seg.writeTo(target);
    } catch (org.secaimed.dicom.seg.SegmentationException e) {
      throw new PipelineException(PipelineException.Step.WRITE_BACK, seg.sopInstanceUid(), e.getMessage(), e);
    }
    return target.toString();
  }

  @Override
  public String describe() {
    return "folder " + dir;
  }
}
