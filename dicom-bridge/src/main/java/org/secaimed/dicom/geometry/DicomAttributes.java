package org.secaimed.dicom.geometry;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;

/**
 * Small read helpers over PixelMed's {@link AttributeList}, so callers say what they need by keyword
 * (PixelMed's TagFromName lacks the newer SEG keywords) and get null instead of exceptions.
 */
public final class DicomAttributes {
  private DicomAttributes() {}

  /** The tag for a DICOM keyword, from PixelMed's standard dictionary; fails fast on a typo. */
  public static AttributeTag tag(String keyword) {
    AttributeTag t = DicomDictionary.StandardDictionary.getTagFromName(keyword);
    if (t == null) throw new IllegalArgumentException("unknown DICOM keyword " + keyword);
    return t;
  }

  public static String string(AttributeList list, String keyword) {
    if (list == null) return null;
    Attribute a = list.get(tag(keyword));
    if (a == null) return null;
    String v = a.getSingleStringValueOrNull();
    return v == null ? null : v.trim();
  }

  public static String[] strings(AttributeList list, String keyword) {
    if (list == null) return null;
    Attribute a = list.get(tag(keyword));
    if (a == null || a.getVM() == 0) return null;
    try {
      String[] v = a.getStringValues();
      for (int i = 0; i < v.length; i++) v[i] = v[i] == null ? "" : v[i].trim();
      return v;
    } catch (DicomException e) {
      return null;
    }
  }

  /** Numeric values, or null when absent, empty or unparsable. */
  public static double[] doubles(AttributeList list, String keyword) {
    String[] s = strings(list, keyword);
    if (s == null) return null;
    double[] d = new double[s.length];
    try {
      for (int i = 0; i < s.length; i++) d[i] = Double.parseDouble(s[i]);
    } catch (NumberFormatException e) {
      return null;
    }
    return d;
  }

  public static Integer integer(AttributeList list, String keyword) {
    if (list == null) return null;
    Attribute a = list.get(tag(keyword));
    if (a == null || a.getVM() == 0) return null;
    try {
      int[] v = a.getIntegerValues();
      return v.length == 0 ? null : v[0];
    } catch (DicomException | NumberFormatException e) {
      return null;
    }
  }

  public static SequenceAttribute sequence(AttributeList list, String keyword) {
    if (list == null) return null;
    Attribute a = list.get(tag(keyword));
    return a instanceof SequenceAttribute s ? s : null;
  }

  /** Item {@code index} of a sequence, or null. */
  public static AttributeList item(AttributeList list, String keyword, int index) {
    SequenceAttribute s = sequence(list, keyword);
    if (s == null || s.getNumberOfItems() <= index) return null;
    return s.getItem(index).getAttributeList();
  }

  /**
   * Looks a functional-group macro up the way the standard says it may appear: in this frame's
   * per-frame item first, then in the shared item. Returns the macro's single item.
   */
  public static AttributeList functionalGroup(AttributeList perFrame, AttributeList shared, String macroKeyword) {
    AttributeList fromFrame = item(perFrame, macroKeyword, 0);
    return fromFrame != null ? fromFrame : item(shared, macroKeyword, 0);
  }
}
