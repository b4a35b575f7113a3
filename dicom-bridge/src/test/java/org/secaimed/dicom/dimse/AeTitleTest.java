package org.secaimed.dicom.dimse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AeTitleTest {
  @Test
  void acceptsSixteenCharactersAndStripsInsignificantSpaces() {
    assertThat(AeTitle.of("  KAAPANA ").value()).isEqualTo("KAAPANA");
    assertThat(AeTitle.of("ABCDEFGHIJKLMNOP").value()).hasSize(16);
  }

  @Test
  void refusesSeventeenCharactersWithoutTruncating() {
    assertThatThrownBy(() -> AeTitle.of("ABCDEFGHIJKLMNOPQ", "calling AE title (--aet)"))
        .isInstanceOf(InvalidAeTitleException.class)
        .hasMessageContaining("calling AE title (--aet)")
        .hasMessageContaining("17 characters")
        .hasMessageContaining("not truncated");
  }

  @Test
  void kaapanaDatasetTitleThatOverflowsFailsNamingTheConvention() {
    assertThat(AeTitle.kaapana("liver-ct", "calling AE title").value()).isEqualTo("kp-liver-ct");
    assertThatThrownBy(() -> AeTitle.kaapana("totalsegmentator-run", "calling AE title"))
        .isInstanceOf(InvalidAeTitleException.class)
        .hasMessageContaining("kp-totalsegmentator-run")
        .hasMessageContaining("kp-<name>");
  }

  @Test
  void refusesBackslashControlCharactersAndBlank() {
    assertThatThrownBy(() -> AeTitle.of("A\\B")).hasMessageContaining("backslash");
    assertThatThrownBy(() -> AeTitle.of("A\tB")).hasMessageContaining("printable ASCII");
    assertThatThrownBy(() -> AeTitle.of("Ä")).hasMessageContaining("printable ASCII");
    assertThatThrownBy(() -> AeTitle.of("   ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> AeTitle.of(null)).hasMessageContaining("required");
  }

  @Test
  void peerParsesHostPort() {
    DimsePeer p = DimsePeer.parse("pacs.local:11112", AeTitle.of("KAAPANA"));
    assertThat(p.host()).isEqualTo("pacs.local");
    assertThat(p.port()).isEqualTo(11112);
    assertThatThrownBy(() -> DimsePeer.parse("pacs.local", AeTitle.of("X"))).hasMessageContaining("host:port");
    assertThatThrownBy(() -> DimsePeer.parse("pacs:99999", AeTitle.of("X"))).hasMessageContaining("1..65535");
  }
}
