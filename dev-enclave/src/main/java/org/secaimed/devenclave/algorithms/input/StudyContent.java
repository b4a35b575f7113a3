package org.secaimed.devenclave.algorithms.input;

import com.pixelmed.dicom.AttributeList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.dicom.exchange.InstanceRecord;

/**
 * One decrypted, verified study archive, parsed: image instances grouped by series, segmentation
 * instances apart, and the manifest records (the per-instance SHA-256 the receipt names).
 */
public record StudyContent(String inputName, List<InstanceRecord> records, Map<String, List<AttributeList>> imageSeries, List<AttributeList> segmentations) {
  public StudyContent {
    records = List.copyOf(records);
    imageSeries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(imageSeries));
    segmentations = List.copyOf(segmentations);
  }
}
