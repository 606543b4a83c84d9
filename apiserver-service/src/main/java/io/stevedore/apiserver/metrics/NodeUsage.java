package io.stevedore.apiserver.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one node agent's {@code /stats/summary} says, cut to what the metrics API reports:
 * CPU rate and memory working set of the node and of each container.
 *
 * @param window the interval the CPU rates were measured over (the agent's sampling
 * period)
 */
public record NodeUsage(String node, Instant timestamp, Duration window, Usage usage, List<PodUsage> pods) {

	/**
	 * One reading: CPU in nanocores, memory working set in bytes, taken at {@code time}.
	 */
	public record Usage(Instant time, long nanoCores, long workingSetBytes) {
	}

	public record ContainerUsage(String name, Usage usage) {
	}

	public record PodUsage(String namespace, String name, List<ContainerUsage> containers) {

		/** The latest time any container was read, the pod's timestamp. */
		public Instant timestamp() {
			return this.containers.stream().map(c -> c.usage().time()).max(Instant::compareTo).orElse(Instant.EPOCH);
		}

	}

	/**
	 * Reads a Summary API document. A container or node without a CPU rate yet (one
	 * sample only) is left out, as metrics-server leaves out what it has no rate for.
	 */
	public static NodeUsage parse(String node, JsonNode summary, Duration window) {
		Usage nodeUsage = usage(summary.path("node"));
		List<PodUsage> pods = new ArrayList<>();
		for (JsonNode pod : summary.path("pods")) {
			List<ContainerUsage> containers = new ArrayList<>();
			for (JsonNode container : pod.path("containers")) {
				Usage usage = usage(container);
				if (usage != null) {
					containers.add(new ContainerUsage(container.path("name").asText(), usage));
				}
			}
			// metrics-server drops a pod when any of its containers has no reading yet:
			// a partial sum would under-report the pod.
			if (!containers.isEmpty() && containers.size() == pod.path("containers").size()) {
				JsonNode ref = pod.path("podRef");
				pods.add(new PodUsage(ref.path("namespace").asText(), ref.path("name").asText(), containers));
			}
		}
		Instant timestamp = nodeUsage == null ? Instant.EPOCH : nodeUsage.time();
		return new NodeUsage(node, timestamp, window, nodeUsage, pods);
	}

	private static Usage usage(JsonNode stats) {
		JsonNode cpu = stats.path("cpu");
		JsonNode memory = stats.path("memory");
		if (!cpu.hasNonNull("usageNanoCores") || !memory.hasNonNull("workingSetBytes") || !cpu.hasNonNull("time")) {
			return null;
		}
		return new Usage(Instant.parse(cpu.get("time").asText()), cpu.get("usageNanoCores").asLong(),
				memory.get("workingSetBytes").asLong());
	}

}
