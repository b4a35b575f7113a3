package org.secaimed.enclave.server.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SEV-SNP certificate table (GHCB spec): GUID, offset, length entries ended by zeros. */
class SnpCertTableTest {
  static final byte[] A = {1, 2, 3};
  static final byte[] B = {4, 5, 6, 7};

  @Test
  void roundTripsAndNamesTheEntries() {
    byte[] table = SnpCertTable.build(List.of(new SnpCertTable.Entry(SnpCertTable.VCEK, A), new SnpCertTable.Entry(SnpCertTable.ARK, B)));
    List<SnpCertTable.Entry> parsed = SnpCertTable.parse(table);
    assertThat(parsed).extracting(SnpCertTable.Entry::name).containsExactly("VCEK", "ARK");
    assertThat(parsed.get(1).der()).isEqualTo(B);
    // the GUID is stored in RFC 4122 byte order: 63 da 75 8d e6 64 ...
    assertThat(Arrays.copyOf(table, 6)).isEqualTo(new byte[] {0x63, (byte) 0xda, 0x75, (byte) 0x8d, (byte) 0xe6, 0x64});
  }

  @Test
  void malformedTablesAreRefusedNamingTheEntry() {
    byte[] table = SnpCertTable.build(List.of(new SnpCertTable.Entry(SnpCertTable.VCEK, A)));
    byte[] outside = table.clone();
    ByteBuffer.wrap(outside).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 1000);
    assertThatThrownBy(() -> SnpCertTable.parse(outside)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 0 (VCEK)").hasMessageContaining("outside");
    assertThatThrownBy(() -> SnpCertTable.parse(new byte[10])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("terminator");
    assertThat(SnpCertTable.parse(new byte[24])).isEmpty();
  }
}
