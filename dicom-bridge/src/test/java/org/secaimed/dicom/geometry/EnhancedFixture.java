package org.secaimed.dicom.geometry;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TransferSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Packs a single-frame CT series into one Enhanced CT multi-frame object, as scanners and converters do. */
public final class EnhancedFixture {
  private EnhancedFixture() {}

  public static void writeEnhancedCt(Path seriesDir, Path out) throws Exception {
    List<AttributeList> slices = new ArrayList<>();
    try (Stream<Path> s = Files.list(seriesDir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("IMG")).sorted().toList()) {
        AttributeList l = new AttributeList();
        l.read(p.toFile());
        slices.add(l);
      }
    }
    AttributeList first = slices.get(0);
    AttributeList e = new AttributeList();
    for (String k : List.of("PatientName", "PatientID", "StudyInstanceUID", "SeriesInstanceUID", "FrameOfReferenceUID",
        "Modality", "Rows", "Columns", "BitsAllocated", "BitsStored", "HighBit", "PixelRepresentation", "SamplesPerPixel",
        "PhotometricInterpretation", "StudyDate", "StudyTime")) {
      Attribute a = first.get(DicomAttributes.tag(k));
      if (a != null) e.put(a);
    }
    put(e, "SOPClassUID", "1.2.840.10008.5.1.4.1.1.2.1");
    put(e, "SOPInstanceUID", "2.25.1234567890123456789");
    put(e, "NumberOfFrames", Integer.toString(slices.size()));
    SequenceAttribute shared = new SequenceAttribute(DicomAttributes.tag("SharedFunctionalGroupsSequence"));
    AttributeList sh = new AttributeList();
    shared.addItem(sh);
    sh.put(seq("PixelMeasuresSequence", first, "PixelSpacing", "SliceThickness"));
    sh.put(seq("PlaneOrientationSequence", first, "ImageOrientationPatient"));
    sh.put(seq("PixelValueTransformationSequence", first, "RescaleSlope", "RescaleIntercept", "RescaleType"));
    e.put(shared);
    SequenceAttribute perFrame = new SequenceAttribute(DicomAttributes.tag("PerFrameFunctionalGroupsSequence"));
    int frameSize = slices.get(0).getPixelData().getShortValues().length;
    short[] pixels = new short[frameSize * slices.size()];
    for (int f = 0; f < slices.size(); f++) {
      AttributeList pf = new AttributeList();
      pf.put(seq("PlanePositionSequence", slices.get(f), "ImagePositionPatient"));
      perFrame.addItem(pf);
      System.arraycopy(slices.get(f).getPixelData().getShortValues(), 0, pixels, f * frameSize, frameSize);
    }
    e.put(perFrame);
    OtherWordAttribute px = new OtherWordAttribute(DicomAttributes.tag("PixelData"));
    px.setValues(pixels);
    e.put(px);
    FileMetaInformation.addFileMetaInformation(e, TransferSyntax.ExplicitVRLittleEndian, "TEST");
    e.write(out.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
  }

  private static SequenceAttribute seq(String keyword, AttributeList from, String... copied) {
    SequenceAttribute s = new SequenceAttribute(DicomAttributes.tag(keyword));
    AttributeList item = new AttributeList();
    for (String k : copied) {
      Attribute a = from.get(DicomAttributes.tag(k));
      if (a != null) item.put(a);
    }
    s.addItem(item);
    return s;
  }

  private static void put(AttributeList l, String keyword, String value) throws Exception {
    Attribute a = AttributeFactory.newAttribute(DicomAttributes.tag(keyword));
    a.addValue(value);
    l.put(a);
  }
}
