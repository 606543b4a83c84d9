package io.stevedore.machinery.printers;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

/** Cell formats shared by the printers, as Kubernetes' printers write them. */
final class Cells {

	static final String NONE = "<none>";

	private Cells() {
	}

	/**
	 * translateTimestampSince: the age of an RFC 3339 timestamp, {@code <unknown>} if
	 * unset.
	 */
	static String age(String timestamp, Instant now) {
		Instant then = instant(timestamp);
		return then == null ? "<unknown>" : HumanDuration.format(Duration.between(then, now));
	}

	static Instant instant(String timestamp) {
		if (timestamp == null || timestamp.isEmpty()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(timestamp).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	static long num(Integer value) {
		return value == null ? 0 : value;
	}

	static boolean bool(Boolean value) {
		return value != null && value;
	}

	static String orNone(String value) {
		return value == null || value.isEmpty() ? NONE : value;
	}

	static String nonNull(String value) {
		return value == null ? "" : value;
	}

	/** printBoolPtr. */
	static String boolPtr(Boolean value) {
		return value == null ? "<unset>" : value ? "True" : "False";
	}

	/** labels.FormatLabels: sorted {@code k=v} pairs, {@code <none>} when empty. */
	static String labels(Map<String, String> labels) {
		if (labels == null || labels.isEmpty()) {
			return NONE;
		}
		return new TreeMap<>(labels).entrySet()
			.stream()
			.map(e -> e.getKey() + "=" + e.getValue())
			.collect(Collectors.joining(","));
	}

	/**
	 * metav1.FormatLabelSelector: the selector string, {@code <none>} when it selects all
	 * or nothing.
	 */
	static String labelSelector(LabelSelector selector) {
		String s = selectorString(selector);
		return s.isEmpty() ? NONE : s;
	}

	/**
	 * The string of metav1.LabelSelectorAsSelector: requirements sorted by key,
	 * {@code k=v}, {@code k in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}.
	 */
	static String selectorString(LabelSelector selector) {
		if (selector == null) {
			return "";
		}
		List<String[]> requirements = new ArrayList<>();
		if (selector.getMatchLabels() != null) {
			selector.getMatchLabels().forEach((k, v) -> requirements.add(new String[] { k, k + "=" + v }));
		}
		if (selector.getMatchExpressions() != null) {
			for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
				String values = String.join(",",
						new TreeSet<>(r.getValues() == null ? List.<String>of() : r.getValues()));
				String text = switch (String.valueOf(r.getOperator())) {
					case "In" -> r.getKey() + " in (" + values + ")";
					case "NotIn" -> r.getKey() + " notin (" + values + ")";
					case "Exists" -> r.getKey();
					case "DoesNotExist" -> "!" + r.getKey();
					default -> r.getKey() + " " + r.getOperator() + " (" + values + ")";
				};
				requirements.add(new String[] { r.getKey(), text });
			}
		}
		requirements.sort((a, b) -> a[0].compareTo(b[0]));
		return requirements.stream().map(r -> r[1]).collect(Collectors.joining(","));
	}

	/** layoutContainerCells: comma-separated names and images. */
	static String containerNames(List<Container> containers) {
		return containers == null ? ""
				: containers.stream().map(c -> nonNull(c.getName())).collect(Collectors.joining(","));
	}

	static String containerImages(List<Container> containers) {
		return containers == null ? ""
				: containers.stream().map(c -> nonNull(c.getImage())).collect(Collectors.joining(","));
	}

	/** {@code "a,b,c + 2 more..."}: the first {@code max} entries of a longer list. */
	static String withMore(List<String> shown, boolean more, int count, int max) {
		String joined = String.join(",", shown);
		return more ? joined + " + " + (count - max) + " more..." : joined;
	}

}
