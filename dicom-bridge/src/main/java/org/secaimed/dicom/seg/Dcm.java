package org.secaimed.dicom.seg;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import java.math.BigDecimal;
import java.util.Locale;
import org.secaimed.dicom.geometry.DicomAttributes;

/** Write helpers over PixelMed's AttributeList: put a value by keyword, with the dictionary's VR. */
final class Dcm {
  private Dcm() {}

  static void put(AttributeList list, String keyword, String... values) throws DicomException {
    Attribute a = AttributeFactory.newAttribute(DicomAttributes.tag(keyword));
    for (String v : values) a.addValue(v);
    list.put(a);
  }

  /** A Type 2 attribute: present, possibly empty. */
  static void putEmpty(AttributeList list, String keyword) throws DicomException {
    list.put(AttributeFactory.newAttribute(DicomAttributes.tag(keyword)));
  }

  static void putInts(AttributeList list, String keyword, int... values) throws DicomException {
    Attribute a = AttributeFactory.newAttribute(DicomAttributes.tag(keyword));
    for (int v : values) a.addValue(v);
    list.put(a);
  }

  static void putTag(AttributeList list, String keyword, String pointedKeyword) throws DicomException {
    AttributeTagAttribute a = new AttributeTagAttribute(DicomAttributes.tag(keyword));
    AttributeTag t = DicomAttributes.tag(pointedKeyword);
    a.addValue(t.getGroup(), t.getElement());
    list.put(a);
  }

  static SequenceAttribute sequence(AttributeList list, String keyword) {
    SequenceAttribute s = new SequenceAttribute(DicomAttributes.tag(keyword));
    list.put(s);
    return s;
  }

  static AttributeList item(SequenceAttribute s) {
    AttributeList item = new AttributeList();
    s.addItem(item);
    return item;
  }

  static void putCode(AttributeList list, String sequenceKeyword, CodedConcept code) throws DicomException {
    putCodeFields(item(sequence(list, sequenceKeyword)), code);
  }

  /** Code Value, Coding Scheme Designator and Code Meaning into an existing item (which may hold modifiers too). */
  static void putCodeFields(AttributeList item, CodedConcept code) throws DicomException {
    put(item, "CodeValue", code.value());
    put(item, "CodingSchemeDesignator", code.scheme());
    put(item, "CodeMeaning", code.meaning());
  }

  /** A decimal string of at most 16 characters (DS), exact where the value allows it. */
  static String ds(double v) {
    String s = BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    if (s.length() <= 16) return s;
    for (int digits = 10; digits > 0; digits--) {
      String t = String.format(Locale.ROOT, "%." + digits + "f", v);
      t = t.contains(".") ? t.replaceAll("0+$", "").replaceAll("\\.$", "") : t;
      if (t.length() <= 16) return t;
    }
    return String.format(Locale.ROOT, "%.6e", v);
  }
}
