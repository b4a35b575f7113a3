package org.secaimed.dicom.pipeline;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import org.secaimed.dicom.geometry.InstanceReader;
import org.secaimed.dicom.geometry.SeriesAssemblyException;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Set;

/** Whether a DICOM object is a SEG that references a given image series. */
final class SegReferences {
  /** Segmentation Storage and Label Map Segmentation Storage (Sup 243). */
  static final Set<String> SEG_SOP_CLASSES = Set.of("1.2.840.10008.5.1.4.1.1.66.4", "1.2.840.10008.5.1.4.1.1.66.7");

  private SegReferences() {}

  static AttributeList header(byte[] part10, String name) throws PipelineException {
    InstanceReader.Parsed parsed;
    try {
      parsed = InstanceReader.parse(part10, name, false);
    } catch (SeriesAssemblyException e) {
      throw new PipelineException(PipelineException.Step.PULL, name, e.getMessage(), e);
    }
    if (parsed == null) throw new PipelineException(PipelineException.Step.PULL, name, "not DICOM");
    return parsed.list();
  }

  static boolean isSegReferencing(AttributeList header, String imageSeriesUid) {
    if (!SEG_SOP_CLASSES.contains(Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SOPClassUID))) return false;
    Attribute a = header.get(TagFromName.ReferencedSeriesSequence);
    if (!(a instanceof SequenceAttribute seq)) return false;
    for (int i = 0; i < seq.getNumberOfItems(); i++) {
      SequenceItem item = seq.getItem(i);
      if (imageSeriesUid.equals(Attribute.getSingleStringValueOrEmptyString(item.getAttributeList(), TagFromName.SeriesInstanceUID))) {
        return true;
      }
    }
    return false;
  }
}
