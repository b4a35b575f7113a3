package org.secaimed.dicom.seg;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.StringAttribute;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.secaimed.dicom.geometry.DicomAttributes;

/**
 * Makes every text value of a SEG encodable in the Specific Character Set it declares. The SEG
 * keeps the source's character set when all its text (copied patient attributes and its own
 * labels, descriptions, creator) fits that set; otherwise it switches to ISO_IR 192 (UTF-8). Every
 * text attribute is then re-created with the chosen set, so that PixelMed encodes it in that set
 * rather than in the platform default; the source's attribute objects are never modified.
 */
final class TextEncoding {
  private TextEncoding() {}

  static final String UTF8_TERM = "ISO_IR 192";

  /** Single-valued Specific Character Set terms with a Java charset (PS3.3 C.12.1.1.2). */
  private static final Map<String, Charset> SINGLE_BYTE = Map.ofEntries(
      Map.entry("ISO_IR 100", StandardCharsets.ISO_8859_1),
      Map.entry("ISO_IR 101", Charset.forName("ISO-8859-2")),
      Map.entry("ISO_IR 109", Charset.forName("ISO-8859-3")),
      Map.entry("ISO_IR 110", Charset.forName("ISO-8859-4")),
      Map.entry("ISO_IR 144", Charset.forName("ISO-8859-5")),
      Map.entry("ISO_IR 127", Charset.forName("ISO-8859-6")),
      Map.entry("ISO_IR 126", Charset.forName("ISO-8859-7")),
      Map.entry("ISO_IR 138", Charset.forName("ISO-8859-8")),
      Map.entry("ISO_IR 148", Charset.forName("ISO-8859-9")),
      Map.entry("ISO_IR 203", Charset.forName("ISO-8859-15")),
      Map.entry(UTF8_TERM, StandardCharsets.UTF_8),
      Map.entry("GB18030", Charset.forName("GB18030")));

  /** VRs whose values are character strings subject to Specific Character Set. */
  private static final Set<String> TEXT_VRS = Set.of("SH", "LO", "ST", "LT", "UT", "PN", "UC");

  /** Chooses the set, declares it and re-creates the text attributes with it; returns the term, or null for the default repertoire. */
  static String apply(AttributeList ds) throws DicomException {
    String declared = declared(ds);
    List<String> texts = new ArrayList<>();
    collect(ds, texts);
    String chosen = declared;
    if (!fits(texts, declared)) chosen = UTF8_TERM;
    SpecificCharacterSet scs = chosen == null ? null : new SpecificCharacterSet(new String[] {chosen});
    recreate(ds, scs);
    if (chosen != null) {
      Attribute a = AttributeFactory.newAttribute(DicomAttributes.tag("SpecificCharacterSet"));
      a.addValue(chosen);
      ds.put(a);
    }
    return chosen;
  }

  private static String declared(AttributeList ds) {
    Attribute a = ds.get(DicomAttributes.tag("SpecificCharacterSet"));
    if (a == null || a.getVM() == 0) return null;
    try {
      String[] v = a.getStringValues();
      if (v.length == 1 && v[0] != null && !v[0].isBlank()) return v[0].trim();
      return String.join("\\", v); // multi-valued (ISO 2022 code extensions): kept only for pure ASCII text
    } catch (DicomException e) {
      return null;
    }
  }

  private static boolean fits(List<String> texts, String declared) {
    Charset cs = declared == null || declared.equals("ISO_IR 6") ? StandardCharsets.US_ASCII : SINGLE_BYTE.get(declared);
    if (cs == null) cs = StandardCharsets.US_ASCII;
    var encoder = cs.newEncoder();
    for (String t : texts) if (!encoder.canEncode(t)) return false;
    return true;
  }

  private static void collect(AttributeList list, List<String> out) throws DicomException {
    for (Attribute a : list.values()) {
      if (a instanceof SequenceAttribute s) {
        for (int i = 0; i < s.getNumberOfItems(); i++) collect(s.getItem(i).getAttributeList(), out);
      } else if (isText(a) && a.getVM() > 0) {
        for (String v : a.getStringValues()) if (v != null) out.add(v);
      }
    }
  }

  private static void recreate(AttributeList list, SpecificCharacterSet scs) throws DicomException {
    for (Attribute a : new ArrayList<>(list.values())) {
      if (a instanceof SequenceAttribute s) {
        for (int i = 0; i < s.getNumberOfItems(); i++) recreate(s.getItem(i).getAttributeList(), scs);
      } else if (isText(a)) {
        Attribute copy = AttributeFactory.newAttribute(a.getTag(), a.getVR(), scs);
        if (a.getVM() > 0) for (String v : a.getStringValues()) copy.addValue(v);
        list.put(copy);
      }
    }
  }

  private static boolean isText(Attribute a) {
    return a instanceof StringAttribute && a.getVR() != null && TEXT_VRS.contains(new String(a.getVR(), StandardCharsets.US_ASCII));
  }
}
