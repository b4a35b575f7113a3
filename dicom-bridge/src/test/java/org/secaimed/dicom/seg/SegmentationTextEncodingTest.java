package org.secaimed.dicom.seg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.secaimed.dicom.testsupport.TestData.copyImages;
import static org.secaimed.dicom.testsupport.TestData.dciodvfyErrors;
import static org.secaimed.dicom.testsupport.TestData.dicom;
import static org.secaimed.dicom.testsupport.TestData.python;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.labelmap.LabelMapAlignment;
import org.secaimed.dicom.labelmap.LabelMapFiles;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * Issue 11 item 2: a SEG's text is written in the character set it declares. pydicom, which decodes
 * by the declared Specific Character Set, must read back exactly what was written.
 */
class SegmentationTextEncodingTest {

  private static final String READ_BACK = """
      import sys, pydicom
      d = pydicom.dcmread(sys.argv[1])
      print(repr(list(d.get('SpecificCharacterSet', []) if d.get('SpecificCharacterSet') is None or isinstance(d.SpecificCharacterSet, (list, pydicom.multival.MultiValue)) else [d.SpecificCharacterSet])))
      print(str(d.PatientName)); print(d.SegmentSequence[0].SegmentLabel); print(d.SeriesDescription); print(str(d.ContentCreatorName))
      """;

  @Test
  void latin1SeriesKeepsLatin1WhileTheTextFits(@TempDir Path tmp) throws Exception {
    Path series = latin1Series(tmp, "Groß^Jörg");
    Path seg = write(series, tmp, "Läsion", "Segmentierung Größe", "Müller^Anna");
    assertThat(python(READ_BACK, seg.toString()).lines().toList())
        .containsExactly("['ISO_IR 100']", "Groß^Jörg", "Läsion", "Segmentierung Größe", "Müller^Anna");
    assertThat(dciodvfyErrors(seg)).isEmpty();
  }

  @Test
  void latin1SeriesWithALabelOutsideLatin1SwitchesToUtf8AndStaysReadable(@TempDir Path tmp) throws Exception {
    Path series = latin1Series(tmp, "Groß^Jörg");
    Path seg = write(series, tmp, "Leber → Läsion µ", "Segmentierung Größe", "Müller^Anna");
    assertThat(python(READ_BACK, seg.toString()).lines().toList())
        .containsExactly("['ISO_IR 192']", "Groß^Jörg", "Leber → Läsion µ", "Segmentierung Größe", "Müller^Anna");
    assertThat(dciodvfyErrors(seg)).isEmpty();
  }

  @Test
  void asciiSeriesWithAnUmlautDeclaresUtf8(@TempDir Path tmp) throws Exception {
    Path series = tmp.resolve("ascii");
    Files.createDirectories(series);
    copyImages("ct-24x38x3-dcmqi", series);
    Path seg = write(series, tmp, "Läsion", "plain", "Doe^J");
    List<String> back = python(READ_BACK, seg.toString()).lines().toList();
    assertThat(back.get(0)).isEqualTo("['ISO_IR 192']");
    assertThat(back.get(2)).isEqualTo("Läsion");
    assertThat(dciodvfyErrors(seg)).isEmpty();
  }

  private static Path latin1Series(Path tmp, String patientName) throws Exception {
    Path series = tmp.resolve("latin1");
    Files.createDirectories(series);
    copyImages("ct-24x38x3-dcmqi", series);
    for (String f : new String[] {"IMG0001.dcm", "IMG0002.dcm", "IMG0003.dcm"}) {
      python("""
          import sys, pydicom
          d = pydicom.dcmread(sys.argv[1])
          d.SpecificCharacterSet = 'ISO_IR 100'
          d.PatientName = sys.argv[2]
          d.save_as(sys.argv[1])
          raw = open(sys.argv[1], 'rb').read()
          assert sys.argv[2].encode('latin-1') in raw
          """, series.resolve(f).toString(), patientName);
    }
    return series;
  }

  private static Path write(Path series, Path tmp, String label, String description, String creator) throws Exception {
    AssembledSeries source = SeriesAssembler.create().withPixels(false).addDirectory(series).assemble();
    LabelVolume labels = LabelMapAlignment.onto(LabelMapFiles.read(dicom("ct-24x38x3-dcmqi/label.nrrd")), source.geometry());
    SegmentDescription d = SegFixtures.load("ct-24x38x3-dcmqi", "label.nrrd", "seg-example.json").metadata().segments().get(0);
    SegmentDescription renamed = new SegmentDescription(d.number(), label, d.category(), d.type(), d.anatomicRegion(),
        d.algorithmType(), d.algorithmName(), d.recommendedDisplayRgb());
    Path out = tmp.resolve("seg-" + Math.abs(label.hashCode()) + ".dcm");
    SegmentationBuilder.forSource(source).type(SegmentationType.BINARY).labels(labels, List.of(renamed)).seriesDescription(description)
        .contentCreatorName(creator).uidSeed("charset").contentDateTime(SegmentationRoundTripTest.WHEN).build().writeTo(out);
    return out;
  }
}
