package org.secaimed.connector.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A receipt for a provider's published model names the licence (issue #15): the site accepts it only
 * when the unwrapped model is the one it asked for and the use lies within the licence's maxima;
 * receipts of other algorithms carry no licence and read as before (the field is additive).
 */
class ReceiptLicenceExpectationTest {
  static final String MODEL = "sha256:" + "ab".repeat(32);
  final TaskReceipt.Algorithm alg = new TaskReceipt.Algorithm("phantom-ct-cnn", "1.0.0", MODEL);

  TaskReceipt receipt(TaskReceipt.Licence licence) {
    return new TaskReceipt("task-1", "segmentation", alg, List.of(), Map.of(), new TaskReceipt.Enclave("dev", "33".repeat(32), true), null,
        "66".repeat(32), "a", "b", List.of(new TaskReceipt.Output("result.sealed", "77".repeat(32))), licence);
  }

  ExpectedTask expected() {
    return new ExpectedTask("task-1", "segmentation", alg, List.of(), Map.of(), Map.of(), "66".repeat(32), null, null, "77".repeat(32));
  }

  static TaskReceipt.Licence licence(String model, long run, long siteRun) {
    return new TaskReceipt.Licence("cd".repeat(32), "ef".repeat(32), model, run, siteRun, 2, 2, 4);
  }

  @Test
  void aUseWithinTheLicenceOfTheRequestedModelIsAccepted() {
    assertThatCode(() -> expected().requireMatchedBy(receipt(licence(MODEL, 2, 2)))).doesNotThrowAnyException();
    assertThatCode(() -> expected().requireMatchedBy(receipt(null))).doesNotThrowAnyException();
  }

  @Test
  void anotherModelOrAUseBeyondTheLicenceIsAMismatch() {
    assertThatThrownBy(() -> expected().requireMatchedBy(receipt(licence("sha256:" + "00".repeat(32), 1, 1))))
        .isInstanceOf(ReceiptException.class).hasMessageContaining("licence.modelDigest");
    assertThatThrownBy(() -> expected().requireMatchedBy(receipt(licence(MODEL, 3, 1)))).isInstanceOf(ReceiptException.class)
        .hasMessageContaining("not a use the licence allows");
  }

  @Test
  void theLicenceSurvivesSigningAndOpeningAndOldReceiptsHaveNone() throws Exception {
    var key = org.secaimed.connector.tlog.Ed25519.generate();
    TaskReceipt withLicence = receipt(licence(MODEL, 1, 1));
    assertThat(Receipts.open(Receipts.sign(withLicence, key.getPrivate(), key.getPublic()), key.getPublic()).licence())
        .isEqualTo(withLicence.licence());
    DsseEnvelope old = Receipts.sign(receipt(null), key.getPrivate(), key.getPublic());
    assertThat(new String(java.util.Base64.getDecoder().decode(old.payload()))).doesNotContain("licence");
    assertThat(Receipts.open(old, key.getPublic()).licence()).isNull();
  }
}
