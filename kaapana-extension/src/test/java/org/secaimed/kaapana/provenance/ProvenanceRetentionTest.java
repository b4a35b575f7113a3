package org.secaimed.kaapana.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.provenance.Lineage;

/**
 * Retention (docs/provenance.md): reports are kept at least six months (AI Act Arts. 19, 26(6));
 * prune deletes only what is past its keepUntil and older than the minimum; anything it cannot
 * read is kept. And the HTML page escapes every text and loads nothing from outside.
 */
class ProvenanceRetentionTest {
  @TempDir Path store;
  static final Instant NOW = Instant.parse("2027-03-01T10:00:00Z");

  @Test
  void aRetentionShorterThanSixMonthsIsRefused() {
    assertThatThrownBy(() -> ProvenanceRecord.requireRetention(Period.ofMonths(5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("P6M");
    assertThatThrownBy(() -> ProvenanceRecord.requireRetention(Period.ofDays(180))).isInstanceOf(IllegalArgumentException.class);
    ProvenanceRecord.requireRetention(Period.ofMonths(6));
    ProvenanceRecord.requireRetention(Period.ofYears(10));
  }

  @Test
  void pruneDeletesOnlyReportsPastTheirRetentionAndKeepsWhatItCannotRead() throws Exception {
    Path old = report("model-a", NOW.minusSeconds(200L * 24 * 3600), Period.ofMonths(6));
    Path young = report("model-a", NOW.minusSeconds(100L * 24 * 3600), Period.ofMonths(6));
    Path longKept = report("model-b", NOW.minusSeconds(400L * 24 * 3600), Period.ofYears(10));
    Path unreadable = Files.createDirectories(store.resolve("model-c").resolve("2026"));
    Files.writeString(unreadable.resolve("retention.json"), "{not json");
    // A forged keepUntil earlier than six months after keptAt does not shorten the legal minimum.
    Path forged = Files.createDirectories(store.resolve("model-d").resolve("x"));
    Files.writeString(forged.resolve("retention.json"), "{\"keptAt\":\"" + NOW.minusSeconds(30L * 24 * 3600) + "\",\"keepUntil\":\""
        + NOW.minusSeconds(3600) + "\"}");

    ProvenanceStore.Pruned p = new ProvenanceStore(store).prune(NOW);

    assertThat(p.deleted()).containsExactly(old);
    assertThat(old).doesNotExist();
    assertThat(young).exists();
    assertThat(longKept).exists();
    assertThat(unreadable).exists();
    assertThat(forged).exists();
    assertThat(p.kept()).isEqualTo(4);
  }

  @Test
  void theHtmlEscapesEveryTextAndLoadsNothing() {
    String evil = "<script>alert('x')</script>&\"";
    Lineage l = new Lineage("model-" + evil, "sha256:" + "ab".repeat(32), "cd".repeat(32), List.of(evil), "2027-01-01T00:00:00Z",
        List.of(new Lineage.Task("task-1", "training", "ef".repeat(32), "2026-12-01T00:00:00Z", "2026-12-01T00:01:00Z", "01".repeat(32), 3)),
        null,
        List.of(new Lineage.Contributor("12".repeat(32), true, List.of("34".repeat(32)), List.of(evil), List.of("training"), "2027-01-01T00:00:00Z",
            1, List.of("sha256:" + "56".repeat(32)), 1, 17, List.of("78".repeat(32)), Map.of("1.2.3", "9a".repeat(32)))),
        new Lineage.Algorithm(evil, "1", "sha256:" + "bc".repeat(32)), new Lineage.Enclave(evil, "de".repeat(24), true),
        List.of(new Lineage.Task("task-2", "segmentation", evil, null, "2026-12-02T00:00:00Z", "f0".repeat(32), 5)),
        new Lineage.Log("secaimed.org/enclave-log/x", 6, "AAAA", true, 4L), Map.of("m.model", "ab".repeat(32)));
    String html = ProvenanceHtml.of(l, NOW.toString());
    assertThat(html).doesNotContain("<script", "'x'", "src=", "href=", "url(").contains("&lt;script&gt;", "&amp;&quot;", "<svg");
  }

  private Path report(String model, Instant keptAt, Period retention) throws Exception {
    Path dir = Files.createDirectories(store.resolve(model).resolve(keptAt.toString().replace(":", "")));
    Files.write(dir.resolve("retention.json"), ProvenanceRecord.JSON.writeValueAsBytes(Map.of("keptAt", keptAt.toString(), "retention",
        retention.toString(), "keepUntil", ProvenanceRecord.keepUntil(keptAt, retention).toString())));
    Files.writeString(dir.resolve("evidence.json"), "{}");
    return dir;
  }
}
