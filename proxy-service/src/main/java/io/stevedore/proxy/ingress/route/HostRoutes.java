package io.stevedore.proxy.ingress.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The paths of one host, merged over every Ingress naming it, in match order: the longest
 * path first and, at equal length, {@code Exact} before {@code Prefix} — so the most
 * specific rule wins, as the Ingress spec asks. Requests for the host that no path
 * matches go to {@link #fallback()} (the default backend), else 404.
 */
public final class HostRoutes {

	private static final Comparator<PathRule> ORDER = Comparator.comparingInt((PathRule r) -> r.path().length())
		.reversed()
		.thenComparing(r -> !r.exact());

	private final List<PathRule> rules;

	private final Upstream fallback;

	HostRoutes(List<PathRule> rules, Upstream fallback) {
		List<PathRule> sorted = new ArrayList<>(rules);
		// Stable sort: among identical paths the earlier (older) Ingress's rule stays
		// first.
		sorted.sort(ORDER);
		this.rules = List.copyOf(sorted);
		this.fallback = fallback;
	}

	/** The upstream for {@code path}, or null for 404. */
	public Upstream match(String path) {
		for (PathRule rule : this.rules) {
			if (rule.matches(path)) {
				return rule.upstream();
			}
		}
		return this.fallback;
	}

	public List<PathRule> rules() {
		return this.rules;
	}

	public Upstream fallback() {
		return this.fallback;
	}

}
