package org.secaimed.dicom.labelmap;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the NIfTI-1 and NRRD readers: any file is read or refused with
 * {@link LabelMapException} (including sizes that would inflate beyond memory). {@code scripts/fuzz}
 * fuzzes each for its maxDuration; {@code mvn test} replays the corpus under LabelMapReadersFuzzTestInputs/.
 */
class LabelMapReadersFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void nifti(byte[] data) {
    try {
      NiftiFormat.read(data, "fuzz.nii");
    } catch (LabelMapException expected) {
      // typed refusal is the contract
    }
  }

  @FuzzTest(maxDuration = "60s")
  void nrrd(byte[] data) {
    try {
      NrrdFormat.read(data, "fuzz.nrrd");
    } catch (LabelMapException expected) {
      // typed refusal is the contract
    }
  }
}
