package org.secaimed.connector.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.EnumSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class KemKeysTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(HpkeSuite.class)
  void keyFilesRoundTripAndTheReadKeyOpensWhatWasSealed(HpkeSuite suite) throws Exception {
    KemKeyPair pair = KemKeyPair.generate(suite);
    Path priv = dir.resolve("site.key.json");
    Path pub = dir.resolve("site.pub.json");
    KemKeys.writePrivateKey(priv, pair);
    KemKeys.writePublicKey(pub, pair.publicKey());

    assertThat(Files.getPosixFilePermissions(priv)).isEqualTo(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    KemPublicKey readPub = KemKeys.readPublicKey(pub);
    assertThat(readPub).isEqualTo(pair.publicKey());
    assertThat(KemKeys.readPublicKey(priv)).as("the public key can be read from the private file").isEqualTo(pair.publicKey());
    byte[] archive = SealedArchive.seal("hello".getBytes(StandardCharsets.UTF_8), readPub, new byte[0]);
    assertThat(SealedArchive.open(archive, KemKeys.readPrivateKey(priv), new byte[0])).asString(StandardCharsets.UTF_8).isEqualTo("hello");
    assertThat(Files.readString(pub)).contains(pair.publicKey().keyId()).doesNotContain("privateKey");
    assertThat(Files.list(dir)).hasSize(2); // no temporary files left behind
  }

  @Test
  void privateKeyFilesAreNeverOverwritten() throws Exception {
    Path priv = dir.resolve("k.json");
    KemKeys.writePrivateKey(priv, KemKeyPair.generate(HpkeSuite.X25519));
    String before = Files.readString(priv);
    assertThatThrownBy(() -> KemKeys.writePrivateKey(priv, KemKeyPair.generate(HpkeSuite.X25519)))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(priv)).isEqualTo(before);
  }

  @Test
  void malformedFilesNameTheFileAndField() throws Exception {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    String good = KemKeys.privateKeyJson(pair);
    assertThatThrownBy(() -> KemKeys.parsePrivateKey("{not json", "a.json")).isInstanceOf(KeyFileException.class)
        .hasMessageStartingWith("a.json: not valid JSON");
    assertThatThrownBy(() -> KemKeys.parsePrivateKey(good.replace("x25519-sha256-aes256gcm", "rsa"), "b.json"))
        .hasMessageContaining("b.json: field 'suite'");
    assertThatThrownBy(() -> KemKeys.parsePrivateKey(KemKeys.publicKeyJson(pair.publicKey()), "c.json"))
        .hasMessageContaining("c.json: field 'format'");
    // A private key from another pair does not match the public key in the file.
    String otherSk = Base64.getEncoder().encodeToString(KemKeyPair.generate(HpkeSuite.X25519).privateKeyBytes());
    String mismatched = good.replaceFirst("\"privateKey\" : \"[^\"]+\"", "\"privateKey\" : \"" + otherSk + "\"");
    assertThat(mismatched).isNotEqualTo(good);
    assertThatThrownBy(() -> KemKeys.parsePrivateKey(mismatched, "d.json")).isInstanceOf(KeyFileException.class)
        .hasMessageContaining("d.json: field 'privateKey'").hasMessageContaining("does not match");
    assertThatThrownBy(() -> KemKeys.parsePublicKey(KemKeys.publicKeyJson(pair.publicKey()).replace(pair.publicKey().keyId(), "00"), "e.json"))
        .hasMessageContaining("e.json: field 'keyId'");
    assertThatThrownBy(() -> KemKeys.readPrivateKey(dir.resolve("missing.json"))).isInstanceOf(KeyFileException.class)
        .hasMessageContaining("missing.json");
  }

  @Test
  void errorMessagesAndToStringNeverContainKeyMaterial() {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    String sk = Base64.getEncoder().encodeToString(pair.privateKeyBytes());
    String broken = KemKeys.privateKeyJson(pair).replace("\"suite\"", "\"suite\" : 1, \"x\"");
    assertThatThrownBy(() -> KemKeys.parsePrivateKey(broken.substring(0, broken.indexOf(sk) + 10) + "\u0000", "f.json"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(sk.substring(0, 8)));
    assertThat(pair.toString()).doesNotContain(sk).contains(pair.publicKey().keyId());
  }
}
