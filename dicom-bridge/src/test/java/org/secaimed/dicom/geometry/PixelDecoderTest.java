package org.secaimed.dicom.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Stored values to modality values in one pass per frame (issue #16: the enclave's parse made an
 * int copy of every study on the way): every combination of width, sign, BitsStored and an
 * integral or fractional rescale gives what the DICOM formula gives, and a value that does not fit
 * 16 bits is refused naming it, on the fast path as on the general one.
 */
class PixelDecoderTest {
  private static final int SIDE = 16;

  @Test
  void everyPixelDescriptionGivesTheFormulasModalityValues() throws Exception {
    Random r = new Random(5);
    for (int bitsAllocated : new int[] {8, 16}) {
      for (int bitsStored : bitsAllocated == 8 ? new int[] {8, 7} : new int[] {16, 12}) {
        for (boolean signed : new boolean[] {false, true}) {
          for (String[] rescale : new String[][] {{"1", "-1024"}, {"1", "0"}, {"2", "-1000"}, {"0.5", "-1024.5"}}) {
            int[] raw = new int[SIDE * SIDE];
            for (int i = 0; i < raw.length; i++) raw[i] = r.nextInt(1 << Math.min(bitsStored, 14));
            AttributeList list = instance(bitsAllocated, bitsStored, signed, rescale[0], rescale[1], raw);
            short[] got = PixelDecoder.stored(list, "i", SIDE, SIDE, 1).rescaled(0, list, "i");
            for (int i = 0; i < raw.length; i++) {
              int v = raw[i] & ((1 << bitsStored) - 1);
              if (signed && (v & (1 << (bitsStored - 1))) != 0) v -= 1 << bitsStored;
              long expected = Math.round(v * Double.parseDouble(rescale[0]) + Double.parseDouble(rescale[1]));
              assertThat(got[i]).as("%d/%d bits, signed %s, rescale %s, pixel %d", bitsStored, bitsAllocated, signed,
                  String.join(",", rescale), i).isEqualTo((short) expected);
            }
          }
        }
      }
    }
  }

  @Test
  void aValueThatDoesNotFitSixteenBitsIsRefusedNamingIt() throws Exception {
    int[] raw = new int[SIDE * SIDE];
    raw[37] = 40000; // unsigned, slope 1: 40000 > 32767
    AttributeList list = instance(16, 16, false, "1", "0", raw);
    assertThatThrownBy(() -> PixelDecoder.stored(list, "instance 1.2.3", SIDE, SIDE, 1).rescaled(0, list, "instance 1.2.3"))
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> assertThat(e.reason()).isEqualTo(SeriesAssemblyException.Reason.VALUE_OUT_OF_RANGE))
        .hasMessageContaining("rescaled value 40000").hasMessageContaining("instance 1.2.3");
  }

  private static AttributeList instance(int bitsAllocated, int bitsStored, boolean signed, String slope, String intercept, int[] raw)
      throws Exception {
    AttributeList l = new AttributeList();
    us(l, TagFromName.BitsAllocated, bitsAllocated);
    us(l, TagFromName.BitsStored, bitsStored);
    us(l, TagFromName.PixelRepresentation, signed ? 1 : 0);
    us(l, TagFromName.SamplesPerPixel, 1);
    ds(l, TagFromName.RescaleSlope, slope);
    ds(l, TagFromName.RescaleIntercept, intercept);
    if (bitsAllocated == 16) {
      short[] w = new short[raw.length];
      for (int i = 0; i < raw.length; i++) w[i] = (short) raw[i];
      OtherWordAttribute a = new OtherWordAttribute(TagFromName.PixelData);
      a.setValues(w);
      l.put(a);
    } else {
      byte[] b = new byte[raw.length];
      for (int i = 0; i < raw.length; i++) b[i] = (byte) raw[i];
      OtherByteAttribute a = new OtherByteAttribute(TagFromName.PixelData);
      a.setValues(b);
      l.put(a);
    }
    return l;
  }

  private static void us(AttributeList l, com.pixelmed.dicom.AttributeTag tag, int v) throws Exception {
    Attribute a = AttributeFactory.newAttribute(tag);
    a.addValue(v);
    l.put(a);
  }

  private static void ds(AttributeList l, com.pixelmed.dicom.AttributeTag tag, String v) throws Exception {
    Attribute a = AttributeFactory.newAttribute(tag);
    a.addValue(v);
    l.put(a);
  }
}
