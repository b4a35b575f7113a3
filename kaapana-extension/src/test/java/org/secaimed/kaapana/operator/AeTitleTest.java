package org.secaimed.kaapana.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AeTitleTest {
  @Test
  void kaapanaPrefixAndLimit() {
    KaapanaAeTitles t = KaapanaAeTitles.forDatasetAndProject("liver-ct", "admin");
    assertThat(t.calling().value()).isEqualTo("kp-liver-ct");
    assertThat(t.called().value()).isEqualTo("kp-admin");
    assertThat(new AeTitle("kp-1234567890123").value()).hasSize(16);
    assertThatThrownBy(() -> KaapanaAeTitles.forDatasetAndProject("liver-ct", "radiology-research"))
        .hasMessageContaining("project 'radiology-research'").hasMessageContaining("at most 16");
  }

  @Test
  void forbiddenCharacters() {
    assertThatThrownBy(() -> new AeTitle("kp-a\\b")).hasMessageContaining("U+005C");
    assertThatThrownBy(() -> new AeTitle("kp-ä")).hasMessageContaining("U+00E4");
    assertThatThrownBy(() -> new AeTitle("   ")).hasMessageContaining("empty");
  }
}
