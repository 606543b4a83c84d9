package io.stevedore.controller.job;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Indexed Jobs: the completion index of a pod and the interval notation of
 * {@code status.completedIndexes} ("1,3-5,7").
 */
final class CompletionIndexes {

	static final String ANNOTATION = "batch.kubernetes.io/job-completion-index";

	static final String ENV = "JOB_COMPLETION_INDEX";

	private CompletionIndexes() {
	}

	/** The pod's index, or -1 when missing or not below completions. */
	static int of(Pod pod, int completions) {
		String value = pod.getMetadata().getAnnotations() == null ? null
				: pod.getMetadata().getAnnotations().get(ANNOTATION);
		if (value == null && pod.getMetadata().getLabels() != null) {
			value = pod.getMetadata().getLabels().get(ANNOTATION);
		}
		if (value == null) {
			return -1;
		}
		try {
			int index = Integer.parseInt(value);
			return index >= 0 && index < completions ? index : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/** Parses "1,3-5"; indexes at or beyond completions are dropped. */
	static SortedSet<Integer> parse(String text, int completions) {
		SortedSet<Integer> indexes = new TreeSet<>();
		if (text == null || text.isBlank()) {
			return indexes;
		}
		for (String part : text.split(",")) {
			String[] bounds = part.trim().split("-");
			try {
				int first = Integer.parseInt(bounds[0]);
				int last = bounds.length > 1 ? Integer.parseInt(bounds[1]) : first;
				for (int i = first; i <= last && i < completions; i++) {
					indexes.add(i);
				}
			}
			catch (NumberFormatException ex) {
				// A hand-edited status; what cannot be read is not counted.
			}
		}
		return indexes;
	}

	static String format(SortedSet<Integer> indexes) {
		List<String> parts = new ArrayList<>();
		Integer start = null;
		Integer previous = null;
		for (int index : indexes) {
			if (previous != null && index == previous + 1) {
				previous = index;
				continue;
			}
			if (start != null) {
				parts.add(range(start, previous));
			}
			start = index;
			previous = index;
		}
		if (start != null) {
			parts.add(range(start, previous));
		}
		return String.join(",", parts);
	}

	private static String range(int first, int last) {
		return first == last ? Integer.toString(first) : first + "-" + last;
	}

}
