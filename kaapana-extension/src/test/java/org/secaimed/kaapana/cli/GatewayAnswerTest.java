package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 12 item 8: attest verify-evidence reads a gateway's own POST /v1/attestation answer as it is. */
class GatewayAnswerTest {
  @TempDir Path tmp;

  static String run(List<String> args, int[] exit) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cli = SecaimedCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    exit[0] = cli.execute(args.toArray(String[]::new));
    return out + err.toString();
  }

  @Test
  void theGatewaysAnswerIsReadWithoutHandDecoding() throws Exception {
    // What a dev enclave answers: dev evidence signed with an Ed25519 key (certificates[0] the key, collateral[0] the signature).
    KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] data = ("{\"type\":\"secaimed-dev-evidence-v1\",\"measurement\":\"" + "ab".repeat(32) + "\",\"reportData\":\""
        + "00".repeat(64) + "\",\"insecure\":true}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(kp.getPrivate());
    s.update(data);
    byte[] sig = s.sign();
    Base64.Encoder b64 = Base64.getEncoder();
    String answer = "{\"evidence\":[{\"format\":\"dev\",\"data\":\"" + b64.encodeToString(data) + "\",\"certificates\":[\""
        + b64.encodeToString(kp.getPublic().getEncoded()) + "\"],\"collateral\":[\"" + b64.encodeToString(sig) + "\"]}],"
        + "\"keys\":{\"kem\":{\"suite\":\"x\",\"publicKey\":\"AA==\"}}}";
    Path file = Files.writeString(tmp.resolve("attestation.json"), answer);

    int[] exit = new int[1];
    String text = run(List.of("attest", "verify-evidence", "--evidence", file.toString(), "--json"), exit);
    assertThat(text).contains("\"format\":\"dev\"").doesNotContain("type: missing");
    assertThat(text).as(text).contains("\"checks\"");
    assertThat(run(List.of("attest", "verify-evidence", "--format", "sev-snp", "--evidence", file.toString()), exit)).contains("--format");
    assertThat(exit[0]).as("a --format that contradicts the answer is a usage error").isEqualTo(2);
    assertThat(run(List.of("attest", "verify-evidence", "--evidence", tmp.resolve("x").toString()), exit)).contains("no such file");
    Path notAnswer = Files.write(tmp.resolve("report.bin"), new byte[] {1, 2, 3});
    run(List.of("attest", "verify-evidence", "--evidence", notAnswer.toString()), exit);
    assertThat(exit[0]).as("a binary report still needs --format").isEqualTo(2);
  }
}
