package org.secaimed.kaapana.provenance;

import java.util.List;
import org.secaimed.connector.provenance.Lineage;

/**
 * One self-contained HTML page for people (an auditor, a data-protection officer, the Kaapana
 * results view): the lineage as a small inline SVG graph (contributing data → training → model →
 * uses) and tables of the same facts. No script, no external resource; every text is escaped.
 */
public final class ProvenanceHtml {
  private static final int ROW = 34;

  private ProvenanceHtml() {}

  public static String of(Lineage l, String verifiedAt) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
        .append("<title>Provenance of model ").append(esc(l.modelId())).append("</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}code{font-size:12px}")
        .append(".warn{color:#a00;font-weight:bold}</style></head><body>\n");
    h.append("<h1>Provenance of model <code>").append(esc(l.modelId())).append("</code></h1>\n");
    if (l.enclave().insecure()) h.append("<p class=\"warn\">INSECURE dev enclave: software keys, no hardware attestation.</p>\n");
    h.append("<p>Verified ").append(esc(verifiedAt)).append(" against log <code>").append(esc(l.log().origin())).append("</code> at size ")
        .append(l.log().treeSize()).append(l.log().consistencyChecked() ? ", consistent with the checkpoint pinned at size " + l.log().pinnedSize()
            : ", no earlier checkpoint was pinned").append(".</p>\n");
    h.append(svg(l));
    h.append("<h2>Model</h2><table>");
    row(h, "digest", l.modelDigest());
    row(h, "files (signed by the enclave)", l.modelFiles().toString());
    row(h, "usage policy", l.modelPolicyDigest() + " — purposes " + l.modelPurposes() + ", until " + l.modelNotAfter());
    row(h, "algorithm", l.algorithm().id() + " " + l.algorithm().version() + " " + l.algorithm().digest());
    row(h, "enclave", l.enclave().platform() + ", measurement " + l.enclave().measurement());
    row(h, "base model", l.baseModel() == null ? "none (trained from scratch)" : l.baseModel());
    h.append("</table>\n<h2>Training data</h2><table><tr><th>party</th><th>policy</th><th>purposes</th><th>studies</th><th>instances</th>"
        + "<th>instance evidence</th></tr>");
    for (Lineage.Contributor c : l.contributors()) {
      h.append("<tr><td><code>").append(esc(c.party())).append("</code>").append(c.own() ? " (this site)" : "").append("</td><td><code>")
          .append(esc(String.join(" ", c.policyDigests()))).append("</code></td><td>").append(esc(String.join(", ", c.purposes())))
          .append("</td><td>").append(c.studies()).append("</td><td>").append(c.instances()).append("</td><td>")
          .append(c.ownInstances() != null && !c.ownInstances().isEmpty() ? c.ownInstances().size() + " instance digests checked against this site's manifest"
              : "commitment only").append("</td></tr>");
    }
    h.append("</table>\n<h2>Tasks</h2><table><tr><th>task</th><th>kind</th><th>party</th><th>finished</th><th>outcome digest</th><th>log leaf</th></tr>");
    for (Lineage.Task t : tasks(l)) {
      h.append("<tr><td><code>").append(esc(t.taskId())).append("</code></td><td>").append(esc(t.kind())).append("</td><td><code>")
          .append(esc(t.party())).append("</code></td><td>").append(esc(t.finishedAt())).append("</td><td><code>").append(esc(t.outcomeDigest()))
          .append("</code></td><td>").append(t.leafIndex()).append("</td></tr>");
    }
    h.append("</table>\n<p>Verify again offline: <code>secaimed provenance verify FOLDER --policy POLICY</code> (evidence.json holds every input).</p>\n");
    return h.append("</body></html>\n").toString();
  }

  private static List<Lineage.Task> tasks(Lineage l) {
    List<Lineage.Task> all = new java.util.ArrayList<>(l.training());
    all.addAll(l.uses());
    return all;
  }

  /** Contributors on the left, the training task and the model in the middle, the uses on the right. */
  static String svg(Lineage l) {
    int rows = Math.max(Math.max(l.contributors().size(), l.uses().size()), 1);
    int height = rows * ROW + 20;
    int mid = height / 2;
    StringBuilder s = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" height=\"" + height
        + "\" role=\"img\" aria-label=\"lineage graph\" font-size=\"12\">\n");
    box(s, 300, mid - 14, 290, "model " + l.modelId(), "#dde8ff");
    for (int i = 0; i < l.contributors().size(); i++) {
      Lineage.Contributor c = l.contributors().get(i);
      int y = 10 + i * ROW;
      box(s, 10, y, 250, (c.own() ? "this site " : "site ") + SpdxDocument.shortId(c.party()) + ": " + c.studies() + " st., " + c.instances() + " inst.",
          "#e6f4e6");
      line(s, 260, y + 14, 300, mid, "trained on in task " + l.training().get(0).taskId());
    }
    for (int i = 0; i < l.uses().size(); i++) {
      Lineage.Task u = l.uses().get(i);
      int y = 10 + i * ROW;
      box(s, 630, y, 220, u.kind() + " by " + SpdxDocument.shortId(u.party()), "#fff1dc");
      line(s, 590, mid, 630, y + 14, u.taskId());
    }
    return s.append("</svg>\n").toString();
  }

  private static void box(StringBuilder s, int x, int y, int w, String text, String fill) {
    s.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(w).append("\" height=\"28\" rx=\"4\" fill=\"")
        .append(fill).append("\" stroke=\"#666\"/><text x=\"").append(x + 6).append("\" y=\"").append(y + 18).append("\">")
        .append(esc(text)).append("</text>\n");
  }

  private static void line(StringBuilder s, int x1, int y1, int x2, int y2, String title) {
    s.append("<line x1=\"").append(x1).append("\" y1=\"").append(y1).append("\" x2=\"").append(x2).append("\" y2=\"").append(y2)
        .append("\" stroke=\"#888\"><title>").append(esc(title)).append("</title></line>\n");
  }

  private static void row(StringBuilder h, String k, String v) {
    h.append("<tr><th>").append(esc(k)).append("</th><td><code>").append(esc(v)).append("</code></td></tr>");
  }

  /** Escapes the five HTML-significant characters; null becomes empty. */
  static String esc(String s) {
    if (s == null) return "";
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
