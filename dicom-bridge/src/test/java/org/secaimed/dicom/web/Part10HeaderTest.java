package org.secaimed.dicom.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class Part10HeaderTest {
  private static final Path DATA = Path.of(System.getProperty("secaimed.repo.root", ".")).resolve("../shared/testdata/dicom");

  @Test
  void readsUidsOfRealFiles() throws Exception {
    Part10Header ct = Part10Header.read(DATA.resolve("ct-3slice-dcmqi/01.dcm")).orElseThrow();
    assertThat(ct.transferSyntaxUid()).isEqualTo(TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN);
    assertThat(ct.sopClassUid()).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
    assertThat(ct.sopInstanceUid()).startsWith("1.2.392.200103.20080913.113635");

    Part10Header jls = Part10Header.read(DATA.resolve("single-pydicom/MR_small_jpeg_ls_lossless.dcm")).orElseThrow();
    assertThat(jls.transferSyntaxUid()).isEqualTo(TransferSyntaxes.JPEG_LS_LOSSLESS);
  }

  @Test
  void peekingDoesNotConsume() throws Exception {
    Buffer b = new Buffer().write(DicomWebClientTest.part10("1.2.3", "4.5.6"));
    long size = b.size();
    assertThat(Part10Header.peek(b).orElseThrow().sopInstanceUid()).isEqualTo("4.5.6");
    assertThat(b.size()).isEqualTo(size);
  }

  @Test
  void bareDatasetHasNoHeader() throws Exception {
    assertThat(Part10Header.peek(new Buffer().write(new byte[300]))).isEmpty();
    assertThat(Part10Header.peek(new Buffer().writeUtf8("short"))).isEmpty();
  }
}
