package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #2 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "dicom", description = "Pull and push DICOM over DICOMweb or DIMSE (not built yet: issue #2)")
public final class DicomCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed dicom: not built yet (issue #2)");
    return SecaimedCli.EXIT_FAILED;
  }
}
