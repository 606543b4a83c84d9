package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.NameValidation;
import io.stevedore.machinery.validation.ObjectMetaValidation;

/**
 * A PodSpec, wherever it appears (a Pod, or the template of a workload), as
 * ValidatePodSpec. The checks assume defaulting already ran, as in the apiserver: a
 * missing restartPolicy or imagePullPolicy is reported as required.
 */
public final class PodSpecValidation {

	static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");

	static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");

	private static final long MAX_UINT32 = 4294967295L;

	private PodSpecValidation() {
	}

	public static List<FieldError> validate(PodSpec spec, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (spec == null) {
			errs.add(FieldError.required(path.child("containers").toString(), ""));
			return errs;
		}
		Set<String> volumes = new HashSet<>();
		errs.addAll(VolumeValidation.validate(list(spec.getVolumes()), path.child("volumes"), volumes));
		errs.addAll(containers(list(spec.getContainers()), volumes, path.child("containers")));
		errs.addAll(initContainers(list(spec.getInitContainers()), list(spec.getContainers()), volumes,
				path.child("initContainers")));
		errs.addAll(EphemeralContainerValidation.validate(spec, volumes, path.child("ephemeralContainers")));
		errs.addAll(CommonValidation.oneOf(spec.getRestartPolicy(), path.child("restartPolicy"), RESTART_POLICIES));
		errs.addAll(CommonValidation.oneOf(spec.getDnsPolicy(), path.child("dnsPolicy"), DNS_POLICIES));
		if ("None".equals(spec.getDnsPolicy()) && spec.getDnsConfig() == null) {
			errs.add(FieldError.required(path.child("dnsConfig").toString(),
					"must provide `dnsConfig` when `dnsPolicy` is None"));
		}
		errs.addAll(CommonValidation.labels(spec.getNodeSelector(), path.child("nodeSelector")));
		List<LocalObjectReference> pullSecrets = list(spec.getImagePullSecrets());
		for (int i = 0; i < pullSecrets.size(); i++) {
			if (isEmpty(pullSecrets.get(i).getName())) {
				errs.add(FieldError.required(path.child("imagePullSecrets").index(i).child("name").toString(), ""));
			}
		}
		if (!isEmpty(spec.getServiceAccountName())) {
			errs.addAll(CommonValidation.check(spec.getServiceAccountName(), path.child("serviceAccountName"),
					NameValidation::dns1123Subdomain));
		}
		if (!isEmpty(spec.getNodeName())) {
			errs.addAll(CommonValidation.check(spec.getNodeName(), path.child("nodeName"),
					NameValidation::dns1123Subdomain));
		}
		Long deadline = spec.getActiveDeadlineSeconds();
		if (deadline != null && (deadline < 1 || deadline > MAX_UINT32)) {
			errs.add(FieldError.invalid(path.child("activeDeadlineSeconds").toString(), deadline,
					NameValidation.inclusiveRangeError(1, MAX_UINT32)));
		}
		errs.addAll(CommonValidation.nonNegative(spec.getTerminationGracePeriodSeconds(),
				path.child("terminationGracePeriodSeconds")));
		if (!isEmpty(spec.getHostname())) {
			errs.addAll(
					CommonValidation.check(spec.getHostname(), path.child("hostname"), NameValidation::dns1123Label));
		}
		if (!isEmpty(spec.getSubdomain())) {
			errs.addAll(
					CommonValidation.check(spec.getSubdomain(), path.child("subdomain"), NameValidation::dns1123Label));
		}
		errs.addAll(TolerationValidation.validate(list(spec.getTolerations()), path.child("tolerations")));
		if (!isEmpty(spec.getPriorityClassName())) {
			errs.addAll(CommonValidation.check(spec.getPriorityClassName(), path.child("priorityClassName"),
					NameValidation::dns1123Subdomain));
		}
		return errs;
	}

	/**
	 * A pod template inside a workload: its labels and annotations (reported under
	 * {@code template.labels}, as Kubernetes does) and its spec.
	 */
	public static List<FieldError> validateTemplate(PodTemplateSpec template, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (template == null) {
			errs.add(FieldError.required(path.toString(), ""));
			return errs;
		}
		if (template.getMetadata() != null) {
			errs.addAll(CommonValidation.labels(template.getMetadata().getLabels(), path.child("labels")));
			errs.addAll(ObjectMetaValidation.annotations(template.getMetadata().getAnnotations(),
					path.child("annotations")));
		}
		errs.addAll(validate(template.getSpec(), path.child("spec")));
		if (template.getSpec() != null && !list(template.getSpec().getEphemeralContainers()).isEmpty()) {
			errs.add(FieldError.forbidden(path.child("spec").child("ephemeralContainers").toString(),
					"ephemeral containers not allowed in pod template"));
		}
		return errs;
	}

	private static List<FieldError> containers(List<Container> containers, Set<String> volumes, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (containers.isEmpty()) {
			errs.add(FieldError.required(path.toString(), ""));
			return errs;
		}
		Set<String> names = new HashSet<>();
		for (int i = 0; i < containers.size(); i++) {
			Container ctr = containers.get(i);
			FieldPath p = path.index(i);
			errs.addAll(ContainerValidation.common(ctr, volumes, p));
			if (!names.add(CommonValidation.str(ctr.getName()))) {
				errs.add(FieldError.duplicate(p.child("name").toString(), ctr.getName()));
			}
			errs.addAll(ProbeValidation.liveness(ctr.getLivenessProbe(), p.child("livenessProbe")));
			errs.addAll(ProbeValidation.readiness(ctr.getReadinessProbe(), p.child("readinessProbe")));
			errs.addAll(ProbeValidation.startup(ctr.getStartupProbe(), p.child("startupProbe")));
			if (ctr.getRestartPolicy() != null) {
				errs.add(FieldError.forbidden(p.child("restartPolicy").toString(),
						"may not be set for non-init containers"));
			}
		}
		errs.addAll(hostPortConflicts(containers, path));
		return errs;
	}

	/** Names must be unique across init and regular containers. */
	private static List<FieldError> initContainers(List<Container> inits, List<Container> regular, Set<String> volumes,
			FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		Set<String> names = new HashSet<>();
		regular.forEach(c -> names.add(CommonValidation.str(c.getName())));
		for (int i = 0; i < inits.size(); i++) {
			Container ctr = inits.get(i);
			FieldPath p = path.index(i);
			errs.addAll(ContainerValidation.common(ctr, volumes, p));
			if (names.contains(CommonValidation.str(ctr.getName()))) {
				errs.add(FieldError.duplicate(p.child("name").toString(), ctr.getName()));
			}
			else if (!isEmpty(ctr.getName())) {
				names.add(ctr.getName());
			}
			boolean sidecar = "Always".equals(ctr.getRestartPolicy());
			if (ctr.getRestartPolicy() != null && !sidecar) {
				errs.add(FieldError.notSupported(p.child("restartPolicy").toString(), ctr.getRestartPolicy(),
						List.of("Always")));
			}
			if (sidecar) {
				errs.addAll(ProbeValidation.liveness(ctr.getLivenessProbe(), p.child("livenessProbe")));
				errs.addAll(ProbeValidation.readiness(ctr.getReadinessProbe(), p.child("readinessProbe")));
				errs.addAll(ProbeValidation.startup(ctr.getStartupProbe(), p.child("startupProbe")));
				continue;
			}
			String why = "may not be set for init containers without restartPolicy=Always";
			if (ctr.getLifecycle() != null) {
				errs.add(FieldError.forbidden(p.child("lifecycle").toString(), why));
			}
			if (ctr.getLivenessProbe() != null) {
				errs.add(FieldError.forbidden(p.child("livenessProbe").toString(), why));
			}
			if (ctr.getReadinessProbe() != null) {
				errs.add(FieldError.forbidden(p.child("readinessProbe").toString(), why));
			}
			if (ctr.getStartupProbe() != null) {
				errs.add(FieldError.forbidden(p.child("startupProbe").toString(), why));
			}
		}
		return errs;
	}

	/** Two containers may not claim the same host IP, protocol and host port. */
	private static List<FieldError> hostPortConflicts(List<Container> containers, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (int ci = 0; ci < containers.size(); ci++) {
			List<ContainerPort> ports = list(containers.get(ci).getPorts());
			for (int pi = 0; pi < ports.size(); pi++) {
				ContainerPort port = ports.get(pi);
				if (port.getHostPort() == null || port.getHostPort() == 0) {
					continue;
				}
				String key = CommonValidation.str(port.getHostIP()) + "/" + CommonValidation.str(port.getProtocol())
						+ "/" + port.getHostPort();
				if (!seen.add(key)) {
					errs.add(FieldError.duplicate(path.index(ci).child("ports").index(pi).child("hostPort").toString(),
							key));
				}
			}
		}
		return errs;
	}

}
