package io.stevedore.nodeagent.hollow;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import io.stevedore.client.events.EventSink;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.config.NodeAgentProperties;
import io.stevedore.nodeagent.pod.SandboxSettings;
import io.stevedore.nodeagent.pod.TokenManager;
import io.stevedore.nodeagent.pod.dns.DnsConfigurer;
import io.stevedore.nodeagent.pod.removal.EndpointRemovalGate;
import io.stevedore.nodeagent.runtime.simulated.SimulatedRuntimeProperties;

/**
 * What every node of a hollow host uses in common: one client, the caches of the one pod
 * and one service informer, the one work queue, the executors, and the settings.
 *
 * @param pods a bound pod by {@code namespace/name}, from the shared informer's cache
 * @param podsSynced whether that cache has listed
 * @param services the Services of a namespace, from the shared informer's cache
 * @param enqueue adds a {@link NodeKeys} key to the shared queue
 * @param address the InternalIP every hollow node reports (the host's)
 * @param rootDir the host's root; each node's pod volumes go in a directory of its name
 */
record SharedParts(KubernetesClient client, NodeAgentProperties properties, SimulatedRuntimeProperties simulated,
		Clock clock, Function<String, Pod> pods, BooleanSupplier podsSynced, Function<String, List<Service>> services,
		Consumer<String> enqueue, EventSink events, ScheduledExecutorService probes, TokenManager tokens,
		DnsConfigurer dns, SandboxSettings sandbox, EndpointRemovalGate removal, String address, Path rootDir) {
}
