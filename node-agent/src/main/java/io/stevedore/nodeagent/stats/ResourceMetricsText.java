package io.stevedore.nodeagent.stats;

import java.util.List;
import java.util.Map;

/**
 * The kubelet's {@code /metrics/resource} in the Prometheus text format: the metric
 * names, HELP texts, types and labels of the kubelet's resource metrics collector
 * (pkg/kubelet/metrics/collectors/resource_metrics.go), families in name order as a
 * Prometheus registry writes them, each sample with its timestamp in milliseconds.
 */
final class ResourceMetricsText {

	private ResourceMetricsText() {
	}

	static String render(StatsSnapshot snapshot) {
		StringBuilder out = new StringBuilder();
		List<ContainerUsage> containers = snapshot.containers();
		family(out, "container_cpu_usage_seconds_total",
				"Cumulative cpu time consumed by the container in core-seconds", "counter");
		for (ContainerUsage c : containers) {
			sample(out, "container_cpu_usage_seconds_total", containerLabels(c),
					seconds(c.series().latest().cpuNanos()), c.series().latest());
		}
		family(out, "container_memory_working_set_bytes", "Current working set of the container in bytes", "gauge");
		for (ContainerUsage c : containers) {
			sample(out, "container_memory_working_set_bytes", containerLabels(c),
					bytes(c.series().latest().workingSetBytes()), c.series().latest());
		}
		family(out, "container_start_time_seconds", "Start time of the container since unix epoch in seconds", "gauge");
		for (ContainerUsage c : containers) {
			// the kubelet writes the start time without a timestamp
			out.append("container_start_time_seconds")
				.append(containerLabels(c))
				.append(' ')
				.append(goFloat(java.math.BigDecimal.valueOf(c.startTime().getEpochSecond())))
				.append('\n');
		}
		if (snapshot.node() != null) {
			Sample node = snapshot.node().latest();
			family(out, "node_cpu_usage_seconds_total", "Cumulative cpu time consumed by the node in core-seconds",
					"counter");
			sample(out, "node_cpu_usage_seconds_total", "", seconds(node.cpuNanos()), node);
			family(out, "node_memory_working_set_bytes", "Current working set of the node in bytes", "gauge");
			sample(out, "node_memory_working_set_bytes", "", bytes(node.workingSetBytes()), node);
		}
		Map<String, List<ContainerUsage>> pods = PodGroups.of(containers);
		family(out, "pod_cpu_usage_seconds_total", "Cumulative cpu time consumed by the pod in core-seconds",
				"counter");
		for (List<ContainerUsage> pod : pods.values()) {
			Sample sum = PodGroups.sum(pod).latest();
			sample(out, "pod_cpu_usage_seconds_total", podLabels(pod.get(0)), seconds(sum.cpuNanos()), sum);
		}
		family(out, "pod_memory_working_set_bytes", "Current working set of the pod in bytes", "gauge");
		for (List<ContainerUsage> pod : pods.values()) {
			Sample sum = PodGroups.sum(pod).latest();
			sample(out, "pod_memory_working_set_bytes", podLabels(pod.get(0)), bytes(sum.workingSetBytes()), sum);
		}
		family(out, "resource_scrape_error", "1 if there was an error while getting container metrics, 0 otherwise",
				"gauge");
		out.append("resource_scrape_error ").append(snapshot.node() == null ? 1 : 0).append('\n');
		return out.toString();
	}

	private static void family(StringBuilder out, String name, String help, String type) {
		out.append("# HELP ").append(name).append(" [STABLE] ").append(help).append('\n');
		out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
	}

	private static void sample(StringBuilder out, String name, String labels, String value, Sample at) {
		out.append(name)
			.append(labels)
			.append(' ')
			.append(value)
			.append(' ')
			.append(at.time().toEpochMilli())
			.append('\n');
	}

	private static String containerLabels(ContainerUsage c) {
		return "{container=\"" + escape(c.container()) + "\",namespace=\"" + escape(c.namespace()) + "\",pod=\""
				+ escape(c.pod()) + "\"}";
	}

	private static String podLabels(ContainerUsage c) {
		return "{namespace=\"" + escape(c.namespace()) + "\",pod=\"" + escape(c.pod()) + "\"}";
	}

	/** Seconds from nanoseconds, as the kubelet writes a counter in core-seconds. */
	static String seconds(long nanos) {
		return goFloat(java.math.BigDecimal.valueOf(nanos, 9));
	}

	private static String bytes(long bytes) {
		return goFloat(java.math.BigDecimal.valueOf(bytes));
	}

	/** Seconds in plain decimal, for the summary's window header. */
	static String plainSeconds(long nanos) {
		return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
	}

	/**
	 * A non-negative value as Prometheus' Go client writes a float64 (strconv 'g',
	 * shortest): plain between 1e-4 and 1e6, else with an exponent of at least two
	 * digits, e.g. {@code 6.7108864e+07} for 67108864 bytes.
	 */
	static String goFloat(java.math.BigDecimal value) {
		if (value.signum() == 0) {
			return "0";
		}
		java.math.BigDecimal stripped = value.stripTrailingZeros();
		String digits = stripped.unscaledValue().abs().toString();
		int exponent = stripped.precision() - stripped.scale() - 1;
		if (exponent < -4 || exponent >= 6) {
			String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
			String sign = exponent < 0 ? "-" : "+";
			int magnitude = Math.abs(exponent);
			return mantissa + "e" + sign + (magnitude < 10 ? "0" : "") + magnitude;
		}
		return stripped.toPlainString();
	}

	private static String escape(String value) {
		return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
	}

}
