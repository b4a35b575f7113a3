package org.secaimed.enclave.server.algorithms.input;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.enclave.server.algorithms.Cancellation;
import org.secaimed.dicom.exchange.ArchivedInstance;
import org.secaimed.dicom.exchange.StudyArchiveException;
import org.secaimed.dicom.exchange.StudyArchiveReader;
import org.secaimed.dicom.geometry.InstanceReader;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SeriesAssemblyException;

/** Reads a plaintext study archive, parsing each instance once as it streams past. */
public final class StudyInputs {
  /** Segmentation Storage and Label Map Segmentation Storage (Sup 243). */
  static final Set<String> SEG_SOP_CLASSES = Set.of("1.2.840.10008.5.1.4.1.1.66.4", "1.2.840.10008.5.1.4.1.1.66.7");

  private StudyInputs() {}

  public static StudyContent read(String inputName, InputStream plaintext) throws AlgorithmException {
    Map<String, SeriesAssembler> series = new LinkedHashMap<>();
    List<AttributeList> segs = new ArrayList<>();
    try (StudyArchiveReader reader = StudyArchiveReader.open(plaintext)) {
      for (ArchivedInstance instance = reader.next(); instance != null; instance = reader.next()) {
        Cancellation.check();
        AttributeList list = parse(inputName, instance);
        String sopClass = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPClassUID);
        if (SEG_SOP_CLASSES.contains(sopClass)) {
          segs.add(list);
          continue;
        }
        String seriesUid = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SeriesInstanceUID);
        if (seriesUid.isEmpty()) throw new AlgorithmException(Reason.BAD_INPUT, instance.sopInstanceUid(), inputName + ": no SeriesInstanceUID");
        try {
          series.computeIfAbsent(seriesUid, k -> SeriesAssembler.create()).add(list, instance.sopInstanceUid());
        } catch (SeriesAssemblyException e) {
          throw new AlgorithmException(Reason.BAD_INPUT, instance.sopInstanceUid(), inputName + ": " + e.getMessage(), e);
        }
      }
      return new StudyContent(inputName, reader.manifest().instances(), series, segs);
    } catch (StudyArchiveException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, e.subject() == null ? inputName : e.subject(), inputName + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, inputName, "cannot read input: " + e.getMessage(), e);
    }
  }

  /**
   * Parses one instance with its pixels through the bounded reader (depth and lengths checked,
   * parser crashes mapped to a typed error), decoding compressed pixel data where this build can.
   */
  private static AttributeList parse(String inputName, ArchivedInstance instance) throws AlgorithmException {
    byte[] bytes;
    try (InputStream in = instance.openStream()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, instance.sopInstanceUid(), inputName + ": cannot read the instance: " + e.getMessage(), e);
    }
    InstanceReader.Parsed parsed;
    try {
      parsed = InstanceReader.parse(bytes, instance.sopInstanceUid(), true);
    } catch (SeriesAssemblyException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, instance.sopInstanceUid(), inputName + ": " + e.getMessage(), e);
    }
    if (parsed == null) throw new AlgorithmException(Reason.BAD_INPUT, instance.sopInstanceUid(), inputName + ": not DICOM");
    return parsed.list();
  }
}
