package io.stevedore.proxy.service.iptables;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * This proxy's chains as rendered: per table, chain name to its body (the {@code -A}
 * lines, in order). Comparing two rule sets chain by chain is how a sync writes only what
 * changed (kube-proxy's partial sync, since 1.27): with {@code --noflush},
 * {@code iptables-restore} leaves every chain it is not told about alone, so a changed
 * endpoint costs one {@code SVC} chain and its {@code SEP} chains instead of rewriting
 * tens of thousands of rules.
 *
 * @param nat nat chains and their bodies
 * @param filter filter chains and their bodies
 * @param rules how many rules in all
 */
public record RuleSet(Map<String, String> nat, Map<String, String> filter, int rules) {

	public static final RuleSet EMPTY = new RuleSet(Map.of(), Map.of(), 0);

	public RuleSet {
		nat = Collections.unmodifiableMap(new LinkedHashMap<>(nat));
		filter = Collections.unmodifiableMap(new LinkedHashMap<>(filter));
	}

	/**
	 * The restore input turning {@code before} (what the kernel holds) into this rule
	 * set. Chains are declared (which flushes them) and refilled only when new or
	 * changed, or all of them when {@code full}; chains of {@code before} that are gone
	 * are flushed and deleted. The jumps to a deleted chain are always in a chain
	 * rewritten by the same restore, since that chain's body changed.
	 * @return the input, or an empty string when nothing changes
	 */
	public String restoreInput(RuleSet before, boolean full) {
		StringBuilder out = new StringBuilder();
		table(out, "nat", this.nat, before.nat, full);
		table(out, "filter", this.filter, before.filter, full);
		return out.toString();
	}

	/** Chains {@link #restoreInput} would write (new or changed, or all when full). */
	public int changedChains(RuleSet before, boolean full) {
		return changed(this.nat, before.nat, full) + changed(this.filter, before.filter, full);
	}

	private static int changed(Map<String, String> now, Map<String, String> before, boolean full) {
		int n = 0;
		for (Map.Entry<String, String> chain : now.entrySet()) {
			if (full || !Objects.equals(before.get(chain.getKey()), chain.getValue())) {
				n++;
			}
		}
		return n;
	}

	/** The union of two rule sets' chains (bodies of this one win): what may exist. */
	public RuleSet union(RuleSet other) {
		Map<String, String> n = new LinkedHashMap<>(other.nat);
		n.putAll(this.nat);
		Map<String, String> f = new LinkedHashMap<>(other.filter);
		f.putAll(this.filter);
		return new RuleSet(n, f, this.rules);
	}

	private static void table(StringBuilder out, String table, Map<String, String> now, Map<String, String> before,
			boolean full) {
		StringBuilder declare = new StringBuilder();
		StringBuilder rules = new StringBuilder();
		StringBuilder delete = new StringBuilder();
		for (Map.Entry<String, String> chain : now.entrySet()) {
			if (full || !Objects.equals(before.get(chain.getKey()), chain.getValue())) {
				declare.append(':').append(chain.getKey()).append(" - [0:0]\n");
				rules.append(chain.getValue());
			}
		}
		for (String chain : before.keySet()) {
			if (!now.containsKey(chain)) {
				declare.append(':').append(chain).append(" - [0:0]\n");
				delete.append("-X ").append(chain).append('\n');
			}
		}
		if (declare.isEmpty()) {
			return;
		}
		out.append('*').append(table).append('\n').append(declare).append(rules).append(delete).append("COMMIT\n");
	}

}
