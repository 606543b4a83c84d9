package io.stevedore.nodeagent.eviction;

/**
 * What one signal measured: how much is available out of how much there is (bytes, or
 * process ids).
 */
public record Observation(long available, long capacity) {
}
