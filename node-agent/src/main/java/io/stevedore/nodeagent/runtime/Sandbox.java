package io.stevedore.nodeagent.runtime;

/**
 * A running sandbox.
 *
 * @param id the container id
 * @param ip the pod's IP on the pod network, or null for a host-network pod
 */
public record Sandbox(String id, String ip) {
}
