package org.secaimed.tests.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shared test series (read-only, from ../shared/testdata/dicom) and facts about them. */
public final class TestSeries {
  private TestSeries() {}

  static Path data() {
    return Path.of(System.getProperty("secaimed.repo.root", ".")).resolve("../shared/testdata/dicom").normalize();
  }

  /** The .dcm files of a folder whose SOP class is an image (SEGs in the folder left out). */
  public static List<Path> images(String folder) {
    try (Stream<Path> s = Files.list(data().resolve(folder))) {
      return s.filter(p -> p.toString().endsWith(".dcm") && !p.getFileName().toString().startsWith("seg")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static AttributeList read(Path file) {
    try {
      AttributeList l = new AttributeList();
      l.read(file.toFile());
      return l;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  static String string(AttributeList l, com.pixelmed.dicom.AttributeTag tag) {
    return Attribute.getSingleStringValueOrNull(l, tag);
  }

  public static String studyUid(Path file) {
    return string(read(file), TagFromName.StudyInstanceUID);
  }

  public static String seriesUid(Path file) {
    return string(read(file), TagFromName.SeriesInstanceUID);
  }

  static String sopUid(Path file) {
    return string(read(file), TagFromName.SOPInstanceUID);
  }
}
