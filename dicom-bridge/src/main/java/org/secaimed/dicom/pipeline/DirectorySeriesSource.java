package org.secaimed.dicom.pipeline;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A series from DICOM files in a folder (the CLI, the demo, Kaapana's get-input folder). Files of
 * other series are ignored, so one folder may hold a study.
 */
public final class DirectorySeriesSource implements SeriesSource {
  private final Path dir;

  public DirectorySeriesSource(Path dir) {
    this.dir = dir;
  }

  @Override
  public void forEachInstance(String seriesUid, InstanceConsumer consumer) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    int count = 0;
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      if (bytes.length < 132 || bytes[128] != 'D' || bytes[129] != 'I' || bytes[130] != 'C' || bytes[131] != 'M') continue;
      AttributeList header = SegReferences.header(bytes, f.getFileName().toString());
      if (!seriesUid.equals(value(header, TagFromName.SeriesInstanceUID))) continue;
      consumer.accept(value(header, TagFromName.SOPInstanceUID), bytes);
      count++;
    }
    if (count == 0) throw new PipelineException(PipelineException.Step.PULL, seriesUid, "no instance of this series in " + dir);
  }

  @Override
  public void forEachReferencingSeg(String seriesUid, InstanceConsumer consumer) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      if (bytes.length < 132 || bytes[128] != 'D' || bytes[129] != 'I' || bytes[130] != 'C' || bytes[131] != 'M') continue;
      AttributeList header = SegReferences.header(bytes, f.getFileName().toString());
      if (SegReferences.isSegReferencing(header, seriesUid)) consumer.accept(value(header, TagFromName.SOPInstanceUID), bytes);
    }
  }

  /** The one series in the folder; an error if there are none or several. */
  public String onlySeries() throws IOException {
    String found = null;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
        AttributeList header = new AttributeList();
        try (var in = new DicomInputStream(Files.newInputStream(f))) {
          header.read(in, TagFromName.PixelData);
        } catch (DicomException | IOException | RuntimeException e) {
          continue;
        }
        String series = value(header, TagFromName.SeriesInstanceUID);
        if (series == null || series.isEmpty()) continue;
        if (SegReferences.SEG_SOP_CLASSES.contains(value(header, TagFromName.SOPClassUID))) continue;
        if (found != null && !found.equals(series)) {
          throw new PipelineException(PipelineException.Step.RESOLVE, dir.toString(), "holds more than one series; name one");
        }
        found = series;
      }
    }
    if (found == null) throw new PipelineException(PipelineException.Step.RESOLVE, dir.toString(), "holds no DICOM series");
    return found;
  }

  @Override
  public String describe() {
    return "folder " + dir;
  }

  private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
    return com.pixelmed.dicom.Attribute.getSingleStringValueOrNull(list, tag);
  }
}
