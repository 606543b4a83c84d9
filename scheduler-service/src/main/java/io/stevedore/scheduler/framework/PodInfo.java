package io.stevedore.scheduler.framework;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * A pod with what every cycle needs computed once: its effective requests (the
 * init-container rule and overhead), host ports and parsed affinity terms. Kubernetes'
 * {@code framework.PodInfo}. Immutable; the pod must not be mutated after.
 * <p>
 * A pod whose quantities or selectors do not parse still gets a PodInfo, with
 * {@link #invalid()} saying what is wrong, so the scheduler can keep it Pending with that
 * reason instead of failing.
 */
public final class PodInfo {

	/** Kubernetes' defaults for a container without requests, used only for scoring. */
	public static final long DEFAULT_MILLI_CPU_REQUEST = 100;

	public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

	private final Pod pod;

	private final String key;

	private final Map<String, String> labels;

	private final Resource requests;

	private final long nonZeroMilliCpu;

	private final long nonZeroMemory;

	private final List<HostPort> hostPorts;

	private final List<AffinityTerm> requiredAffinity;

	private final List<AffinityTerm> requiredAntiAffinity;

	private final List<AffinityTerm> preferredAffinity;

	private final List<AffinityTerm> preferredAntiAffinity;

	private final String invalid;

	private final int priority;

	private PodInfo(Pod pod, Resource requests, long nonZeroMilliCpu, long nonZeroMemory, List<HostPort> hostPorts,
			List<List<AffinityTerm>> terms, String invalid, int priority) {
		this.pod = pod;
		this.priority = priority;
		this.key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
		this.labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
		this.requests = requests;
		this.nonZeroMilliCpu = nonZeroMilliCpu;
		this.nonZeroMemory = nonZeroMemory;
		this.hostPorts = hostPorts;
		this.requiredAffinity = terms.get(0);
		this.requiredAntiAffinity = terms.get(1);
		this.preferredAffinity = terms.get(2);
		this.preferredAntiAffinity = terms.get(3);
		this.invalid = invalid;
	}

	public static PodInfo of(Pod pod) {
		return of(pod, null);
	}

	/**
	 * @param classPriority the value of the pod's PriorityClass, used when
	 * {@code spec.priority} is unset (no Priority admission resolved it); null for 0
	 */
	public static PodInfo of(Pod pod, Integer classPriority) {
		Integer specPriority = pod.getSpec().getPriority();
		int priority = specPriority != null ? specPriority : (classPriority == null ? 0 : classPriority);
		String invalid = null;
		Resource requests = new Resource();
		long[] nonZero = { 0, 0 };
		List<List<AffinityTerm>> terms = List.of(List.of(), List.of(), List.of(), List.of());
		try {
			requests = requests(pod, nonZero);
		}
		catch (IllegalArgumentException ex) {
			invalid = ex.getMessage();
		}
		try {
			terms = terms(pod);
		}
		catch (IllegalArgumentException ex) {
			invalid = (invalid == null ? "" : invalid + "; ") + ex.getMessage();
		}
		return new PodInfo(pod, requests, nonZero[0], nonZero[1], hostPorts(pod), terms, invalid, priority);
	}

	/**
	 * Kubernetes' {@code resource.PodRequests}: the larger of the sum of the app
	 * containers and the largest init container (sidecars, restartPolicy Always, add to
	 * both sides as they keep running), plus the RuntimeClass overhead.
	 */
	private static Resource requests(Pod pod, long[] nonZero) {
		Resource sum = new Resource();
		List<Container> containers = pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
		for (int i = 0; i < containers.size(); i++) {
			Resource container = containerRequests(containers.get(i), "spec.containers[" + i + "]");
			sum.add(container);
			nonZero[0] += container.milliCpu == 0 ? DEFAULT_MILLI_CPU_REQUEST : container.milliCpu;
			nonZero[1] += container.memory == 0 ? DEFAULT_MEMORY_REQUEST : container.memory;
		}
		Resource sidecars = new Resource();
		Resource initMax = new Resource();
		List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of()
				: pod.getSpec().getInitContainers();
		for (int i = 0; i < inits.size(); i++) {
			Resource init = containerRequests(inits.get(i), "spec.initContainers[" + i + "]");
			if ("Always".equals(inits.get(i).getRestartPolicy())) {
				sidecars.add(init);
				initMax.setMax(sidecars);
			}
			else {
				Resource whileRunning = init.copy();
				whileRunning.add(sidecars);
				initMax.setMax(whileRunning);
			}
		}
		sum.add(sidecars);
		sum.setMax(initMax);
		if (pod.getSpec().getOverhead() != null) {
			Resource overhead = Resource.from(pod.getSpec().getOverhead(), "spec.overhead");
			sum.add(overhead);
			nonZero[0] += overhead.milliCpu;
			nonZero[1] += overhead.memory;
		}
		return sum;
	}

	private static Resource containerRequests(Container container, String field) {
		if (container.getResources() == null) {
			return new Resource();
		}
		// A limit without a request defaults the request (the apiserver does this too;
		// kept here for objects that skipped defaulting).
		Map<String, io.fabric8.kubernetes.api.model.Quantity> requests = container.getResources().getRequests();
		Map<String, io.fabric8.kubernetes.api.model.Quantity> limits = container.getResources().getLimits();
		if ((requests == null || requests.isEmpty()) && limits != null) {
			requests = limits;
		}
		return Resource.from(requests, field + ".resources.requests");
	}

	private static List<HostPort> hostPorts(Pod pod) {
		List<HostPort> ports = new ArrayList<>();
		List<Container> all = new ArrayList<>();
		if (pod.getSpec().getContainers() != null) {
			all.addAll(pod.getSpec().getContainers());
		}
		if (pod.getSpec().getInitContainers() != null) {
			all.addAll(pod.getSpec().getInitContainers());
		}
		for (Container container : all) {
			if (container.getPorts() == null) {
				continue;
			}
			for (ContainerPort port : container.getPorts()) {
				if (port.getHostPort() != null && port.getHostPort() > 0) {
					ports.add(HostPort.of(port.getHostIP(), port.getProtocol(), port.getHostPort()));
				}
			}
		}
		return List.copyOf(ports);
	}

	private static List<List<AffinityTerm>> terms(Pod pod) {
		Affinity affinity = pod.getSpec().getAffinity();
		String namespace = pod.getMetadata().getNamespace();
		List<AffinityTerm> required = List.of();
		List<AffinityTerm> requiredAnti = List.of();
		List<AffinityTerm> preferred = List.of();
		List<AffinityTerm> preferredAnti = List.of();
		if (affinity != null && affinity.getPodAffinity() != null) {
			required = required(affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
					namespace, "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution");
			preferred = preferred(affinity.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
					namespace, "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution");
		}
		if (affinity != null && affinity.getPodAntiAffinity() != null) {
			requiredAnti = required(affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
					namespace, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution");
			preferredAnti = preferred(
					affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(), namespace,
					"spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution");
		}
		return List.of(required, requiredAnti, preferred, preferredAnti);
	}

	private static List<AffinityTerm> required(List<PodAffinityTerm> terms, String namespace, String field) {
		if (terms == null) {
			return List.of();
		}
		List<AffinityTerm> result = new ArrayList<>();
		for (int i = 0; i < terms.size(); i++) {
			result.add(term(terms.get(i), namespace, 0, field + "[" + i + "]"));
		}
		return List.copyOf(result);
	}

	private static List<AffinityTerm> preferred(List<WeightedPodAffinityTerm> terms, String namespace, String field) {
		if (terms == null) {
			return List.of();
		}
		List<AffinityTerm> result = new ArrayList<>();
		for (int i = 0; i < terms.size(); i++) {
			WeightedPodAffinityTerm weighted = terms.get(i);
			int weight = weighted.getWeight() == null ? 0 : weighted.getWeight();
			result.add(term(weighted.getPodAffinityTerm(), namespace, weight, field + "[" + i + "].podAffinityTerm"));
		}
		return List.copyOf(result);
	}

	private static AffinityTerm term(PodAffinityTerm term, String namespace, int weight, String field) {
		if (term == null) {
			throw new IllegalArgumentException(field + ": Required value");
		}
		if (term.getTopologyKey() == null || term.getTopologyKey().isEmpty()) {
			throw new IllegalArgumentException(field + ".topologyKey: Required value: can not be empty");
		}
		LabelSelector selector;
		LabelSelector namespaceSelector = null;
		try {
			selector = LabelSelector.from(term.getLabelSelector());
			if (term.getNamespaceSelector() != null) {
				namespaceSelector = LabelSelector.from(term.getNamespaceSelector());
			}
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(field + ".labelSelector: Invalid value: " + ex.getMessage(), ex);
		}
		Set<String> namespaces = new HashSet<>(term.getNamespaces() == null ? List.of() : term.getNamespaces());
		// Kubernetes: no namespaces and no namespaceSelector mean "the pod's own".
		if (namespaces.isEmpty() && namespaceSelector == null) {
			namespaces.add(namespace);
		}
		return new AffinityTerm(selector, Set.copyOf(namespaces), namespaceSelector, term.getTopologyKey(), weight);
	}

	public Pod pod() {
		return this.pod;
	}

	/** {@code namespace/name}, the queue's and the cache's key. */
	public String key() {
		return this.key;
	}

	public String uid() {
		return this.pod.getMetadata().getUid();
	}

	public String namespace() {
		return this.pod.getMetadata().getNamespace();
	}

	public Map<String, String> labels() {
		return this.labels;
	}

	/** {@code spec.priority}, or the PriorityClass value the scheduler resolved. */
	public int priority() {
		return this.priority;
	}

	public String nodeName() {
		String name = this.pod.getSpec().getNodeName();
		return name == null || name.isEmpty() ? null : name;
	}

	/** The effective requests; do not modify. */
	public Resource requests() {
		return this.requests;
	}

	public long nonZeroMilliCpu() {
		return this.nonZeroMilliCpu;
	}

	public long nonZeroMemory() {
		return this.nonZeroMemory;
	}

	public List<HostPort> hostPorts() {
		return this.hostPorts;
	}

	public List<AffinityTerm> requiredAffinity() {
		return this.requiredAffinity;
	}

	public List<AffinityTerm> requiredAntiAffinity() {
		return this.requiredAntiAffinity;
	}

	public List<AffinityTerm> preferredAffinity() {
		return this.preferredAffinity;
	}

	public List<AffinityTerm> preferredAntiAffinity() {
		return this.preferredAntiAffinity;
	}

	public boolean hasAffinity() {
		return !this.requiredAffinity.isEmpty() || !this.requiredAntiAffinity.isEmpty()
				|| !this.preferredAffinity.isEmpty() || !this.preferredAntiAffinity.isEmpty();
	}

	/** Why this pod cannot be considered at all (a malformed field), or null. */
	public String invalid() {
		return this.invalid;
	}

	@Override
	public String toString() {
		return this.key;
	}

}
