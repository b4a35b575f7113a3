package org.secaimed.connector.seal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every RFC 9180 test vector (the CFRG file in ../shared/testdata/hpke) through the Bouncy Castle
 * HPKE that sealing is built on, plus the vectors of the two classic suites we expose through
 * {@link KemKeyPair#derive}.
 */
class HpkeVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  static Path vectorFile() {
    return Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("../shared/testdata/hpke/test-vectors.json");
  }

  static List<JsonNode> vectors() throws Exception {
    JsonNode all = new ObjectMapper().readTree(vectorFile().toFile());
    List<JsonNode> list = new ArrayList<>();
    all.forEach(list::add);
    return list;
  }

  static Stream<Arguments> allVectors() throws Exception {
    return vectors().stream().map(v -> Arguments.of(String.format("mode=%d kem=0x%04x kdf=%d aead=0x%04x",
        v.get("mode").asInt(), v.get("kem_id").asInt(), v.get("kdf_id").asInt(), v.get("aead_id").asInt()), v));
  }

  @Test
  void theFileHasAllVectors() throws Exception {
    assertThat(vectors()).hasSize(128);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allVectors")
  void vectorPasses(String name, JsonNode v) throws Exception {
    byte mode = (byte) v.get("mode").asInt();
    HPKE hpke = new HPKE(mode, (short) v.get("kem_id").asInt(), (short) v.get("kdf_id").asInt(), (short) v.get("aead_id").asInt());
    byte[] info = hex(v, "info");
    AsymmetricCipherKeyPair recipient = hpke.deriveKeyPair(hex(v, "ikmR"));
    assertThat(hpke.serializePublicKey(recipient.getPublic())).as("pkRm").isEqualTo(hex(v, "pkRm"));

    byte[] enc = hex(v, "enc");
    byte[] psk = v.has("psk") ? hex(v, "psk") : null;
    byte[] pskId = v.has("psk_id") ? hex(v, "psk_id") : null;
    AsymmetricKeyParameter senderPublic = null;
    if (v.has("ikmS")) {
      AsymmetricCipherKeyPair sender = hpke.deriveKeyPair(hex(v, "ikmS"));
      assertThat(hpke.serializePublicKey(sender.getPublic())).as("pkSm").isEqualTo(hex(v, "pkSm"));
      senderPublic = sender.getPublic();
    }
    HPKEContext receiver = switch (mode) {
      case HPKE.mode_base -> hpke.setupBaseR(enc, recipient, info);
      case HPKE.mode_psk -> hpke.setupPSKR(enc, recipient, info, psk, pskId);
      case HPKE.mode_auth -> hpke.setupAuthR(enc, recipient, info, senderPublic);
      default -> hpke.setupAuthPSKR(enc, recipient, info, psk, pskId, senderPublic);
    };
    for (JsonNode e : v.get("encryptions")) {
      assertThat(receiver.open(hex(e, "aad"), hex(e, "ct"))).as("open seq for nonce " + e.get("nonce").asText())
          .isEqualTo(hex(e, "pt"));
    }
    for (JsonNode x : v.get("exports")) {
      assertThat(receiver.export(hex(x, "exporter_context"), x.get("L").asInt())).isEqualTo(hex(x, "exported_value"));
    }
    if (mode == HPKE.mode_base) {
      // The sender side with the vector's ephemeral key reproduces enc and every ciphertext.
      HPKEContextWithEncapsulation sender = hpke.setupBaseS(recipient.getPublic(), info, hpke.deriveKeyPair(hex(v, "ikmE")));
      assertThat(sender.getEncapsulation()).as("enc").isEqualTo(enc);
      for (JsonNode e : v.get("encryptions")) {
        assertThat(sender.seal(hex(e, "aad"), hex(e, "pt"))).isEqualTo(hex(e, "ct"));
      }
    }
  }

  /** Our two classic suites are in the file (base mode, HKDF-SHA256, AES-256-GCM): derive() matches them. */
  @Test
  void ourClassicSuitesDeriveTheVectorKeys() throws Exception {
    int matched = 0;
    for (JsonNode v : vectors()) {
      if (v.get("mode").asInt() != 0 || v.get("kdf_id").asInt() != 1 || v.get("aead_id").asInt() != 2) continue;
      HpkeSuite suite = HpkeSuite.fromIds(v.get("kem_id").asInt(), 1, 2);
      if (suite == null) continue;
      KemKeyPair pair = KemKeyPair.derive(suite, hex(v, "ikmR"));
      assertThat(pair.publicKey().encoded()).isEqualTo(hex(v, "pkRm"));
      HPKEContext r = suite.hpke().setupBaseR(hex(v, "enc"), pair.pair(), hex(v, "info"));
      JsonNode first = v.get("encryptions").get(0);
      assertThat(r.open(hex(first, "aad"), hex(first, "ct"))).isEqualTo(hex(first, "pt"));
      matched++;
    }
    assertThat(matched).as("X25519 and P-256 base-mode AES-256-GCM vectors").isEqualTo(2);
  }

  private static byte[] hex(JsonNode n, String field) {
    return HEX.parseHex(n.get(field).asText());
  }
}
