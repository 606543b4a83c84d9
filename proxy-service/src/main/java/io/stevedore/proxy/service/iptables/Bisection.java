package io.stevedore.proxy.service.iptables;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Finds the objects whose rules the kernel refuses, by bisection:
 * {@code acceptedWithOnly} tells whether a restore holding the rules of only the given
 * objects (plus the fixed ones) passes {@code iptables-restore --test}. Runs only after a
 * refused restore.
 */
public final class Bisection {

	private Bisection() {
	}

	/**
	 * The keys at fault; empty when even the rules without any key are refused (the fault
	 * is not in any one object).
	 */
	public static Set<String> refused(List<String> keys, Predicate<Set<String>> acceptedWithOnly) {
		if (!acceptedWithOnly.test(Set.of())) {
			return Set.of();
		}
		Set<String> bad = new TreeSet<>();
		bisect(keys, acceptedWithOnly, bad);
		return bad;
	}

	private static void bisect(List<String> keys, Predicate<Set<String>> acceptedWithOnly, Set<String> bad) {
		if (keys.isEmpty() || acceptedWithOnly.test(Set.copyOf(keys))) {
			return;
		}
		if (keys.size() == 1) {
			bad.add(keys.get(0));
			return;
		}
		int half = keys.size() / 2;
		bisect(keys.subList(0, half), acceptedWithOnly, bad);
		bisect(keys.subList(half, keys.size()), acceptedWithOnly, bad);
	}

}
