package org.secaimed.dicom.exchange;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;

/** Small real CT instances for archive tests (8x8 pixels, distinct content per index). */
final class TinyDicom {
  private TinyDicom() {}

  static String uid(int i) {
    return "1.2.826.0.1.3680043.10.1234." + i;
  }

  static byte[] instance(int i) throws Exception {
    AttributeList l = new AttributeList();
    put(l, TagFromName.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2");
    put(l, TagFromName.SOPInstanceUID, uid(i));
    put(l, TagFromName.StudyInstanceUID, "1.2.826.0.1.3680043.10.1234.900");
    put(l, TagFromName.SeriesInstanceUID, "1.2.826.0.1.3680043.10.1234.901");
    put(l, TagFromName.Modality, "CT");
    put(l, TagFromName.Rows, "8");
    put(l, TagFromName.Columns, "8");
    put(l, TagFromName.BitsAllocated, "16");
    short[] px = new short[64];
    for (int p = 0; p < px.length; p++) px[p] = (short) (i * 100 + p);
    Attribute pd = new OtherWordAttribute(TagFromName.PixelData);
    pd.setValues(px);
    l.put(pd);
    FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, "TEST");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    l.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
    return out.toByteArray();
  }

  private static void put(AttributeList l, AttributeTag tag, String v) throws Exception {
    Attribute a = AttributeFactory.newAttribute(tag);
    a.addValue(v);
    l.put(a);
  }
}
