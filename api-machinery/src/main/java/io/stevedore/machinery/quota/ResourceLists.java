package io.stevedore.machinery.quota;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import io.stevedore.machinery.quantity.Quantity;

/**
 * Sums of resource lists as Kubernetes' quota.Add: a sum keeps its first term's format.
 */
public final class ResourceLists {

	private ResourceLists() {
	}

	public static void add(Map<String, Quantity> into, String name, Quantity value) {
		// Kubernetes' Quantity.Add: a zero takes the other term's format, so 0 + 128Mi
		// prints 128Mi, not 134217728.
		into.merge(name, value, (a, b) -> a.isZero() ? Quantity.of(a.value().add(b.value()), b.format()) : a.add(b));
	}

	public static void addAll(Map<String, Quantity> into, Map<String, Quantity> values) {
		values.forEach((name, value) -> add(into, name, value));
	}

	public static Quantity count(long n) {
		return Quantity.of(BigDecimal.valueOf(n), Quantity.Format.DECIMAL_SI);
	}

	/**
	 * Parses a model resource list; unparsable entries are left out (validation's job).
	 */
	public static Map<String, Quantity> parse(Map<String, io.fabric8.kubernetes.api.model.Quantity> list) {
		Map<String, Quantity> result = new LinkedHashMap<>();
		if (list == null) {
			return result;
		}
		list.forEach((name, quantity) -> {
			try {
				result.put(name, Quantity.of(quantity));
			}
			catch (RuntimeException ex) {
				// An invalid quantity cannot be stored by the apiserver; skip it anyway.
			}
		});
		return result;
	}

	/** Per resource, the larger of the two (Kubernetes' quota.Max). */
	public static Map<String, Quantity> max(Map<String, Quantity> a, Map<String, Quantity> b) {
		Map<String, Quantity> result = new LinkedHashMap<>(a);
		b.forEach((name, value) -> result.merge(name, value, (x, y) -> x.compareTo(y) >= 0 ? x : y));
		return result;
	}

}
