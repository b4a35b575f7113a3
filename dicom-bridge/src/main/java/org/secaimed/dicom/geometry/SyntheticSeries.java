package org.secaimed.dicom.geometry;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherWordAttribute;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Fabricated CT series headers with zero pixels for benchmarks and tests that need a source
 * series of a given size without shipping one. UIDs are fixed-prefix and obviously synthetic;
 * never use this for patient data.
 */
public final class SyntheticSeries {
  private SyntheticSeries() {}

  /** Axial slices, z ascending from -100 mm, 0.8 mm pixels, {@code sliceSpacing} apart. */
  public static List<AttributeList> ct(int columns, int rows, int slices, double sliceSpacing) {
    List<AttributeList> out = new ArrayList<>(slices);
    ctSlices(columns, rows, slices, sliceSpacing).forEachRemaining(out::add);
    return out;
  }

  /** As {@link #ct}, one slice at a time, so a large series never has all its pixel arrays at once. */
  public static Iterator<AttributeList> ctSlices(int columns, int rows, int slices, double sliceSpacing) {
    String root = "2.25.1000000000000000000000000" + String.format(Locale.ROOT, "%04d%04d%04d", columns, rows, slices);
    return new Iterator<>() {
      private int k;

      @Override
      public boolean hasNext() {
        return k < slices;
      }

      @Override
      public AttributeList next() {
        if (k >= slices) throw new NoSuchElementException();
        try {
          return slice(root, columns, rows, k++, sliceSpacing);
        } catch (DicomException e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  private static AttributeList slice(String root, int columns, int rows, int k, double sliceSpacing) throws DicomException {
    AttributeList l = new AttributeList();
    put(l, "SOPClassUID", "1.2.840.10008.5.1.4.1.1.2");
    put(l, "SOPInstanceUID", root + ".3." + (k + 1));
    put(l, "StudyInstanceUID", root + ".1");
    put(l, "SeriesInstanceUID", root + ".2");
    put(l, "FrameOfReferenceUID", root + ".4");
    put(l, "Modality", "CT");
    put(l, "PatientName", "SYNTHETIC^PHANTOM");
    put(l, "PatientID", "SYNTHETIC-0001");
    put(l, "StudyDate", "20260101");
    put(l, "StudyTime", "120000");
    put(l, "StudyID", "1");
    put(l, "AccessionNumber", "SYN1");
    put(l, "InstanceNumber", Integer.toString(k + 1));
    put(l, "ImagePositionPatient", "-200", "-180", fmt(-100 + k * sliceSpacing));
    put(l, "ImageOrientationPatient", "1", "0", "0", "0", "1", "0");
    put(l, "PixelSpacing", "0.8", "0.8");
    put(l, "SliceThickness", fmt(sliceSpacing));
    putUs(l, "Rows", rows);
    putUs(l, "Columns", columns);
    putUs(l, "SamplesPerPixel", 1);
    put(l, "PhotometricInterpretation", "MONOCHROME2");
    putUs(l, "BitsAllocated", 16);
    putUs(l, "BitsStored", 16);
    putUs(l, "HighBit", 15);
    putUs(l, "PixelRepresentation", 1);
    put(l, "RescaleSlope", "1");
    put(l, "RescaleIntercept", "0");
    OtherWordAttribute px = new OtherWordAttribute(DicomAttributes.tag("PixelData"));
    px.setValues(new short[rows * columns]);
    l.put(px);
    return l;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  private static void put(AttributeList l, String keyword, String... values) throws DicomException {
    Attribute a = AttributeFactory.newAttribute(DicomAttributes.tag(keyword));
    for (String v : values) a.addValue(v);
    l.put(a);
  }

  private static void putUs(AttributeList l, String keyword, int v) throws DicomException {
    Attribute a = AttributeFactory.newAttribute(DicomAttributes.tag(keyword));
    a.addValue(v);
    l.put(a);
  }
}
