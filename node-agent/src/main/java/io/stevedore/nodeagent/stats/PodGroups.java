package io.stevedore.nodeagent.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A snapshot's containers grouped by pod, in the snapshot's (sorted) order. */
final class PodGroups {

	private PodGroups() {
	}

	static Map<String, List<ContainerUsage>> of(List<ContainerUsage> containers) {
		Map<String, List<ContainerUsage>> pods = new LinkedHashMap<>();
		for (ContainerUsage container : containers) {
			pods.computeIfAbsent(container.namespace() + "/" + container.pod(), k -> new ArrayList<>()).add(container);
		}
		return pods;
	}

	/** The pod's series: the sum of its containers' samples at each of the two times. */
	static Series sum(List<ContainerUsage> containers) {
		Sample latest = null;
		Sample previous = null;
		boolean allHavePrevious = true;
		for (ContainerUsage c : containers) {
			latest = add(latest, c.series().latest());
			if (c.series().previous() == null) {
				allHavePrevious = false;
			}
			else {
				previous = add(previous, c.series().previous());
			}
		}
		return new Series(allHavePrevious ? previous : null, latest);
	}

	private static Sample add(Sample sum, Sample s) {
		return sum == null ? s
				: new Sample(s.time().isAfter(sum.time()) ? s.time() : sum.time(), sum.cpuNanos() + s.cpuNanos(),
						sum.workingSetBytes() + s.workingSetBytes(), sum.usageBytes() + s.usageBytes());
	}

}
