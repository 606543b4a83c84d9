package io.stevedore.nodeagent.stats;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The kubelet's Summary API ({@code stats/v1alpha1}), the subset metrics consumers read:
 * node and pods with their containers, each with {@code cpu} (time, usageNanoCores,
 * usageCoreNanoSeconds) and {@code memory} (time, usageBytes, workingSetBytes). Field
 * names are the kubelet's; usageNanoCores is absent until two samples exist, as the
 * kubelet leaves it out until cAdvisor has a rate.
 */
final class SummaryJson {

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	private SummaryJson() {
	}

	static ObjectNode render(StatsSnapshot snapshot) {
		ObjectNode summary = JSON.objectNode();
		ObjectNode node = summary.putObject("node");
		node.put("nodeName", snapshot.nodeName());
		node.put("startTime", time(snapshot.nodeStartTime()));
		if (snapshot.node() != null) {
			stats(node, snapshot.node());
		}
		ArrayNode pods = summary.putArray("pods");
		for (Map.Entry<String, List<ContainerUsage>> entry : PodGroups.of(snapshot.containers()).entrySet()) {
			List<ContainerUsage> containers = entry.getValue();
			ContainerUsage first = containers.get(0);
			ObjectNode pod = pods.addObject();
			ObjectNode ref = pod.putObject("podRef");
			ref.put("name", first.pod());
			ref.put("namespace", first.namespace());
			ref.put("uid", first.podUid());
			pod.put("startTime",
					time(containers.stream()
						.map(ContainerUsage::startTime)
						.min(Instant::compareTo)
						.orElse(first.startTime())));
			ArrayNode list = pod.putArray("containers");
			for (ContainerUsage container : containers) {
				ObjectNode c = list.addObject();
				c.put("name", container.container());
				c.put("startTime", time(container.startTime()));
				stats(c, container.series());
			}
			stats(pod, PodGroups.sum(containers));
		}
		return summary;
	}

	private static void stats(ObjectNode target, Series series) {
		Sample latest = series.latest();
		ObjectNode cpu = target.putObject("cpu");
		cpu.put("time", time(latest.time()));
		Long nanoCores = series.nanoCores();
		if (nanoCores != null) {
			cpu.put("usageNanoCores", nanoCores);
		}
		cpu.put("usageCoreNanoSeconds", latest.cpuNanos());
		ObjectNode memory = target.putObject("memory");
		memory.put("time", time(latest.time()));
		memory.put("usageBytes", latest.usageBytes());
		memory.put("workingSetBytes", latest.workingSetBytes());
	}

	private static String time(Instant instant) {
		return instant.truncatedTo(ChronoUnit.SECONDS).toString();
	}

}
