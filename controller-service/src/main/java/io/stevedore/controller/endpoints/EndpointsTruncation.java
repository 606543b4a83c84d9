package io.stevedore.controller.endpoints;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;

/**
 * Kubernetes' {@code truncateEndpoints}: an Endpoints object holds at most
 * {@link #MAX_CAPACITY} addresses (EndpointSlices carry the rest); not-ready addresses go
 * first, then ready ones, each subset keeping its proportion.
 */
final class EndpointsTruncation {

	static final int MAX_CAPACITY = 1000;

	static final String OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";

	private EndpointsTruncation() {
	}

	/**
	 * @return the subsets cut to capacity, or null when they fit
	 */
	static List<EndpointSubset> truncate(List<EndpointSubset> subsets, int maxCapacity) {
		int totalReady = 0;
		int totalNotReady = 0;
		for (EndpointSubset subset : subsets) {
			totalReady += size(subset.getAddresses());
			totalNotReady += size(subset.getNotReadyAddresses());
		}
		if (totalReady + totalNotReady <= maxCapacity) {
			return null;
		}
		boolean truncateReady = totalReady > maxCapacity;
		int max = truncateReady ? maxCapacity : maxCapacity - totalReady;
		int total = truncateReady ? totalReady : totalNotReady;
		int canBeAdded = max;
		List<EndpointSubset> result = new ArrayList<>();
		for (int i = 0; i < subsets.size(); i++) {
			EndpointSubset subset = subsets.get(i);
			int inSubset = truncateReady ? size(subset.getAddresses()) : size(subset.getNotReadyAddresses());
			// Proportional share; the last subset gets whatever capacity is left.
			int toBeAdded = i < subsets.size() - 1 ? (int) Math.ceil((double) inSubset / total * max) : canBeAdded;
			toBeAdded = Math.min(toBeAdded, canBeAdded);
			EndpointSubsetBuilder builder = new EndpointSubsetBuilder(subset);
			if (truncateReady) {
				List<EndpointAddress> kept = head(subset.getAddresses(), toBeAdded);
				builder.withAddresses(kept).withNotReadyAddresses(List.of());
				canBeAdded -= kept.size();
			}
			else {
				List<EndpointAddress> kept = head(subset.getNotReadyAddresses(), toBeAdded);
				builder.withNotReadyAddresses(kept);
				canBeAdded -= kept.size();
			}
			result.add(builder.build());
		}
		return result;
	}

	private static List<EndpointAddress> head(List<EndpointAddress> addresses, int n) {
		if (addresses == null) {
			return List.of();
		}
		return new ArrayList<>(addresses.subList(0, Math.min(n, addresses.size())));
	}

	private static int size(List<?> list) {
		return list == null ? 0 : list.size();
	}

}
