package io.stevedore.nodeagent.runtime;

import java.util.List;

/** An image on the engine: its names (tags and digests) and size. */
public record ImageSummary(List<String> names, long sizeBytes) {
}
