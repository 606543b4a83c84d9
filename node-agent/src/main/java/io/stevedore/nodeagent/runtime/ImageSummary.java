package io.stevedore.nodeagent.runtime;

import java.util.List;

/**
 * An image on the engine: its id, names (tags and digests; none for a dangling image) and
 * size.
 */
public record ImageSummary(String id, List<String> names, long sizeBytes) {

	/**
	 * An image known by its names only (simulated runtimes, tests): the first is its id.
	 */
	public ImageSummary(List<String> names, long sizeBytes) {
		this(names.isEmpty() ? "" : names.get(0), names, sizeBytes);
	}

}
