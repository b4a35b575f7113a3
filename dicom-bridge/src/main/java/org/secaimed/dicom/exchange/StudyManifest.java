package org.secaimed.dicom.exchange;

import java.util.List;

/** The instances of one study archive in the order they were written. */
public record StudyManifest(List<InstanceRecord> instances) {
  public StudyManifest {
    instances = List.copyOf(instances);
  }

  public long totalBytes() {
    return instances.stream().mapToLong(InstanceRecord::length).sum();
  }
}
