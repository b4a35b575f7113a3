package org.secaimed.devtools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.secaimed.kaapana.cli.CliReference;
import picocli.CommandLine;

/**
 * docs/cli.md's command reference is generated from the command model ({@code ./secaimed}'s whole
 * tree): this test fails when the two differ. {@code SECAIMED_UPDATE_DOCS=1} rewrites the section.
 */
class CliReferenceTest {
  static final Path DOC = Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("docs/cli.md");

  @Test
  void docsCliMdMatchesTheCommandModel() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    String fresh = CliReference.render(DevCli.commandLine());
    if ("1".equals(System.getenv("SECAIMED_UPDATE_DOCS"))) {
      doc = CliReference.splice(doc, fresh);
      Files.writeString(DOC, doc, StandardCharsets.UTF_8);
    }
    assertThat(CliReference.section(doc)).as("docs/cli.md is stale: run SECAIMED_UPDATE_DOCS=1 with this test (see docs/cli.md)")
        .isEqualTo(fresh.strip());
  }

  @Test
  void shellCompletionIsGeneratedFromTheSameModel() {
    StringWriter out = new StringWriter();
    CommandLine cli = DevCli.commandLine();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("generate-completion")).isZero();
    assertThat(out.toString()).contains("complete -F").contains("kaapana").contains("verify-evidence").contains("--kem-suite");
  }
}
