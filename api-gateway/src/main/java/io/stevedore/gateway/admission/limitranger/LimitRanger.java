package io.stevedore.gateway.admission.limitranger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionPlugin;

/**
 * Kubernetes' LimitRanger: the namespace's LimitRanges default the containers' requests
 * and limits of a new pod ({@code default}, {@code defaultRequest} of the Container
 * items, noted in the {@code kubernetes.io/limit-ranger} annotation), then bound them
 * ({@code min}, {@code max}, {@code maxLimitRequestRatio}) per Container and per Pod, and
 * bound a PersistentVolumeClaim's storage request on create and update (resize).
 *
 * <p>
 * Pod updates are not looked at, as in Kubernetes: a pod's containers' resources cannot
 * change after creation. Subresources are not looked at. Objects being deleted pass.
 */
public final class LimitRanger implements AdmissionPlugin {

	public static final String NAME = "LimitRanger";

	static final String ANNOTATION = "kubernetes.io/limit-ranger";

	private static final String CONTAINER = "Container";

	private static final String POD = "Pod";

	private static final String PVC = "PersistentVolumeClaim";

	private final Function<String, List<LimitRange>> limitRanges;

	/**
	 * @param limitRanges the LimitRanges of a namespace
	 */
	public LimitRanger(Function<String, List<LimitRange>> limitRanges) {
		this.limitRanges = limitRanges;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Set<String> resources() {
		return Set.of("/pods", "/persistentvolumeclaims");
	}

	@Override
	public void admit(AdmissionAttributes attributes) {
		if (attributes.object() instanceof Pod pod && applies(attributes)) {
			for (LimitRange limitRange : this.limitRanges.apply(attributes.namespace())) {
				applyDefaults(limitRange, pod);
			}
		}
	}

	@Override
	public void validate(AdmissionAttributes attributes) {
		if (!applies(attributes)) {
			return;
		}
		for (LimitRange limitRange : this.limitRanges.apply(attributes.namespace())) {
			List<String> errors = switch (attributes.object()) {
				case Pod pod -> validatePod(limitRange, pod);
				case PersistentVolumeClaim claim -> validateClaim(limitRange, claim);
				default -> List.of();
			};
			if (!errors.isEmpty()) {
				throw AdmissionDenied.forbidden(attributes, aggregate(errors));
			}
		}
	}

	private static boolean applies(AdmissionAttributes attributes) {
		if (!attributes.subresource().isEmpty() || attributes.object() == null) {
			return false;
		}
		if (attributes.object() instanceof Pod && !AdmissionAttributes.CREATE.equals(attributes.operation())) {
			return false;
		}
		return attributes.oldObject() == null || attributes.oldObject().getMetadata() == null
				|| attributes.oldObject().getMetadata().getDeletionTimestamp() == null;
	}

	/** Kubernetes' mergePodResourceRequirements: only what the container leaves unset. */
	static void applyDefaults(LimitRange limitRange, Pod pod) {
		Map<String, Quantity> defaultLimits = new TreeMap<>();
		Map<String, Quantity> defaultRequests = new TreeMap<>();
		for (LimitRangeItem item : items(limitRange)) {
			if (CONTAINER.equals(item.getType())) {
				putAll(defaultLimits, item.getDefault());
				putAll(defaultRequests, item.getDefaultRequest());
			}
		}
		if (defaultLimits.isEmpty() && defaultRequests.isEmpty()) {
			return;
		}
		List<String> notes = new ArrayList<>();
		for (Container container : list(pod.getSpec().getContainers())) {
			merge(container, defaultLimits, defaultRequests, "container", notes);
		}
		for (Container container : list(pod.getSpec().getInitContainers())) {
			merge(container, defaultLimits, defaultRequests, "init container", notes);
		}
		if (!notes.isEmpty()) {
			Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? new HashMap<>()
					: new HashMap<>(pod.getMetadata().getAnnotations());
			annotations.put(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", notes));
			pod.getMetadata().setAnnotations(annotations);
		}
	}

	private static void merge(Container container, Map<String, Quantity> defaultLimits,
			Map<String, Quantity> defaultRequests, String what, List<String> notes) {
		ResourceRequirements resources = container.getResources() == null ? new ResourceRequirements()
				: container.getResources();
		Map<String, Quantity> limits = resources.getLimits() == null ? new TreeMap<>()
				: new TreeMap<>(resources.getLimits());
		Map<String, Quantity> requests = resources.getRequests() == null ? new TreeMap<>()
				: new TreeMap<>(resources.getRequests());
		Set<String> setLimits = new TreeSet<>();
		Set<String> setRequests = new TreeSet<>();
		defaultLimits.forEach((name, quantity) -> {
			if (limits.putIfAbsent(name, new Quantity(quantity.toString())) == null) {
				setLimits.add(name);
			}
		});
		defaultRequests.forEach((name, quantity) -> {
			if (requests.putIfAbsent(name, new Quantity(quantity.toString())) == null) {
				setRequests.add(name);
			}
		});
		if (setLimits.isEmpty() && setRequests.isEmpty()) {
			return;
		}
		resources.setLimits(limits);
		resources.setRequests(requests);
		container.setResources(resources);
		if (!setRequests.isEmpty()) {
			notes.add(String.join(", ", setRequests) + " request for " + what + " " + container.getName());
		}
		if (!setLimits.isEmpty()) {
			notes.add(String.join(", ", setLimits) + " limit for " + what + " " + container.getName());
		}
	}

	static List<String> validatePod(LimitRange limitRange, Pod pod) {
		List<String> errors = new ArrayList<>();
		for (LimitRangeItem item : items(limitRange)) {
			if (CONTAINER.equals(item.getType())) {
				for (Container container : list(pod.getSpec().getContainers())) {
					check(item, CONTAINER, container, errors);
				}
				for (Container container : list(pod.getSpec().getInitContainers())) {
					check(item, CONTAINER, container, errors);
				}
			}
			else if (POD.equals(item.getType())) {
				check(item, POD, PodResources.requests(pod), PodResources.limits(pod), errors);
			}
		}
		return errors;
	}

	private static void check(LimitRangeItem item, String type, Container container, List<String> errors) {
		ResourceRequirements resources = container.getResources();
		check(item, type, PodResources.of(resources == null ? null : resources.getRequests()),
				PodResources.of(resources == null ? null : resources.getLimits()), errors);
	}

	private static void check(LimitRangeItem item, String type,
			Map<String, io.stevedore.machinery.quantity.Quantity> requests,
			Map<String, io.stevedore.machinery.quantity.Quantity> limits, List<String> errors) {
		sorted(item.getMin()).forEach((name, q) -> add(errors, LimitConstraints.min(type, name, q, requests, limits)));
		sorted(item.getMax()).forEach((name, q) -> add(errors, LimitConstraints.max(type, name, q, requests, limits)));
		sorted(item.getMaxLimitRequestRatio())
			.forEach((name, q) -> add(errors, LimitConstraints.limitRequestRatio(type, name, q, requests, limits)));
	}

	static List<String> validateClaim(LimitRange limitRange, PersistentVolumeClaim claim) {
		List<String> errors = new ArrayList<>();
		Map<String, io.stevedore.machinery.quantity.Quantity> requests = PodResources
			.of(claim.getSpec() == null || claim.getSpec().getResources() == null ? null
					: claim.getSpec().getResources().getRequests());
		for (LimitRangeItem item : items(limitRange)) {
			if (PVC.equals(item.getType())) {
				sorted(item.getMin())
					.forEach((name, q) -> add(errors, LimitConstraints.min(PVC, name, q, requests, Map.of())));
				sorted(item.getMax())
					.forEach((name, q) -> add(errors, LimitConstraints.maxRequest(PVC, name, q, requests)));
			}
		}
		return errors;
	}

	/**
	 * Go's utilerrors.NewAggregate: one message alone, several in brackets, no repeats.
	 */
	static String aggregate(List<String> errors) {
		Set<String> unique = new LinkedHashSet<>(errors);
		return unique.size() == 1 ? unique.iterator().next() : "[" + String.join(", ", unique) + "]";
	}

	private static Map<String, io.stevedore.machinery.quantity.Quantity> sorted(Map<String, Quantity> list) {
		Map<String, io.stevedore.machinery.quantity.Quantity> result = new TreeMap<>();
		if (list != null) {
			list.forEach((name, q) -> result.put(name, io.stevedore.machinery.quantity.Quantity.of(q)));
		}
		return result;
	}

	private static void add(List<String> errors, String error) {
		if (error != null) {
			errors.add(error);
		}
	}

	private static void putAll(Map<String, Quantity> into, Map<String, Quantity> from) {
		if (from != null) {
			into.putAll(from);
		}
	}

	private static List<LimitRangeItem> items(LimitRange limitRange) {
		return limitRange.getSpec() == null || limitRange.getSpec().getLimits() == null ? List.of()
				: limitRange.getSpec().getLimits();
	}

	private static <T> List<T> list(List<T> list) {
		return list == null ? List.of() : list;
	}

}
