package org.secaimed.connector.attest.validate;

import java.io.StringReader;
import org.secaimed.connector.attest.PolicyException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Refuses YAML features that let a policy say one thing and mean another: anchors, aliases and
 * merge keys (a value defined far away, or overridden by {@code <<}). Duplicate keys are refused
 * by the mapper (strict duplicate detection), so "allowDebug: false … allowDebug: true" never loads.
 */
final class StrictYaml {
  private StrictYaml() {}

  static void check(String yaml) throws PolicyException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0);
    try {
      for (Event e : new Yaml(options).parse(new StringReader(yaml))) {
        if (e instanceof AliasEvent a) throw refused("an alias (*" + a.getAnchor() + ")", e);
        if (e instanceof NodeEvent n && n.getAnchor() != null) throw refused("an anchor (&" + n.getAnchor() + ")", e);
        if (e instanceof ScalarEvent s && s.getImplicit().canOmitTagInPlainScalar() && "<<".equals(s.getValue())) throw refused("a merge key (<<)", e);
      }
    } catch (PolicyException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PolicyException("policy: not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static PolicyException refused(String what, Event e) {
    int line = e.getStartMark() == null ? -1 : e.getStartMark().getLine() + 1;
    return new PolicyException("policy: line " + line + ": " + what + " is not allowed in a policy; write every value where it applies");
  }
}
