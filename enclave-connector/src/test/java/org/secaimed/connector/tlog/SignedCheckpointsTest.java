package org.secaimed.connector.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class SignedCheckpointsTest {
  private final KeyPair key = Ed25519.generate();
  private final String origin = SignedCheckpoints.originFor(key.getPublic());
  private final Checkpoint cp = new Checkpoint(origin, 7, LogHashes.leafHash(new byte[] {1}));

  @Test
  void roundTripsInTheSignedNoteFormat() throws Exception {
    String note = SignedCheckpoints.sign(cp, key.getPrivate(), key.getPublic());
    assertThat(note).startsWith(origin + "\n7\n").contains("\n\n\u2014 " + origin + " ");
    assertThat(SignedCheckpoints.open(note, origin, key.getPublic())).isEqualTo(cp);
  }

  @Test
  void rejectsAnAlteredBodyAnotherKeyOrAnotherOrigin() {
    String note = SignedCheckpoints.sign(cp, key.getPrivate(), key.getPublic());
    String altered = note.replaceFirst("\n7\n", "\n8\n");
    assertThatThrownBy(() -> SignedCheckpoints.open(altered, origin, key.getPublic())).hasMessageContaining("does not verify");
    KeyPair other = Ed25519.generate();
    assertThatThrownBy(() -> SignedCheckpoints.open(note, origin, other.getPublic())).hasMessageContaining("no signature");
    assertThatThrownBy(() -> SignedCheckpoints.open(note, "other-log", key.getPublic())).hasMessageContaining("origin");
    assertThatThrownBy(() -> SignedCheckpoints.open(note.substring(0, note.length() - 5), origin, key.getPublic()))
        .isInstanceOf(LogProofException.class);
  }
}
