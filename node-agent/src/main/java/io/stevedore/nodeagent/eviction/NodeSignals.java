package io.stevedore.nodeagent.eviction;

import java.util.Map;

/** Measures the eviction signals now. */
@FunctionalInterface
public interface NodeSignals {

	/** The signals that could be read; one left out meets no threshold. */
	Map<EvictionSignal, Observation> observe();

}
