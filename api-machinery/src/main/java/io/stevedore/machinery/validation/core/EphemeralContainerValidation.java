package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;

/**
 * Ephemeral containers ({@code kubectl debug}): checked like other containers, but
 * without what would make the workload rely on them (ports, probes, lifecycle hooks,
 * resources, restartPolicy, subPath mounts), with a name unique across the pod and a
 * targetContainerName naming one of its regular or init containers
 * (validateEphemeralContainers). Once added, one may neither change nor go.
 */
final class EphemeralContainerValidation {

	private static final String NOT_FOR_EPHEMERAL = "cannot be set for an Ephemeral Container";

	private EphemeralContainerValidation() {
	}

	static List<FieldError> validate(PodSpec spec, Set<String> volumes, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		Set<String> others = new HashSet<>();
		list(spec.getContainers()).forEach(c -> others.add(CommonValidation.str(c.getName())));
		list(spec.getInitContainers()).forEach(c -> others.add(CommonValidation.str(c.getName())));
		Set<String> names = new HashSet<>(others);
		List<EphemeralContainer> ephemeral = list(spec.getEphemeralContainers());
		for (int i = 0; i < ephemeral.size(); i++) {
			EphemeralContainer ec = ephemeral.get(i);
			FieldPath p = path.index(i);
			errs.addAll(ContainerValidation.common(asContainer(ec), volumes, p));
			if (!isEmpty(ec.getName()) && !names.add(ec.getName())) {
				errs.add(FieldError.duplicate(p.child("name").toString(), ec.getName()));
			}
			if (!isEmpty(ec.getTargetContainerName()) && !others.contains(ec.getTargetContainerName())) {
				errs.add(FieldError.notFound(p.child("targetContainerName").toString(), ec.getTargetContainerName()));
			}
			errs.addAll(disallowedFields(ec, p));
			List<VolumeMount> mounts = list(ec.getVolumeMounts());
			for (int m = 0; m < mounts.size(); m++) {
				if (!isEmpty(mounts.get(m).getSubPath())) {
					errs.add(FieldError.forbidden(p.child("volumeMounts").index(m).child("subPath").toString(),
							NOT_FOR_EPHEMERAL));
				}
				if (!isEmpty(mounts.get(m).getSubPathExpr())) {
					errs.add(FieldError.forbidden(p.child("volumeMounts").index(m).child("subPathExpr").toString(),
							NOT_FOR_EPHEMERAL));
				}
			}
		}
		return errs;
	}

	/**
	 * An update through pods/ephemeralcontainers: the ones already there stay as they
	 * were (the order may change, as a patch does not keep it).
	 */
	static List<FieldError> onlyAdded(List<EphemeralContainer> updated, List<EphemeralContainer> old) {
		List<FieldError> errs = new ArrayList<>();
		Map<String, EphemeralContainer> byName = new HashMap<>();
		updated.forEach(ec -> byName.put(CommonValidation.str(ec.getName()), ec));
		String path = "spec.ephemeralContainers";
		for (EphemeralContainer before : old) {
			EphemeralContainer now = byName.get(CommonValidation.str(before.getName()));
			if (now == null) {
				errs.add(FieldError.forbidden(path,
						"existing ephemeral containers \"" + before.getName() + "\" may not be removed"));
			}
			else if (!CommonValidation.semanticEquals(before, now)) {
				errs.add(FieldError.forbidden(path,
						"existing ephemeral containers \"" + before.getName() + "\" may not be changed"));
			}
		}
		return errs;
	}

	/** Kubernetes lists what is allowed; these are the Container fields it leaves out. */
	private static List<FieldError> disallowedFields(EphemeralContainer ec, FieldPath p) {
		List<FieldError> errs = new ArrayList<>();
		Map<String, Object> set = new java.util.LinkedHashMap<>();
		set.put("lifecycle", ec.getLifecycle());
		set.put("livenessProbe", ec.getLivenessProbe());
		set.put("ports", list(ec.getPorts()).isEmpty() ? null : ec.getPorts());
		set.put("readinessProbe", ec.getReadinessProbe());
		set.put("resizePolicy", list(ec.getResizePolicy()).isEmpty() ? null : ec.getResizePolicy());
		set.put("resources", emptyResources(ec) ? null : ec.getResources());
		set.put("restartPolicy", ec.getRestartPolicy());
		set.put("startupProbe", ec.getStartupProbe());
		set.forEach((field, value) -> {
			if (value != null) {
				errs.add(FieldError.forbidden(p.child(field).toString(), NOT_FOR_EPHEMERAL));
			}
		});
		return errs;
	}

	private static boolean emptyResources(EphemeralContainer ec) {
		var r = ec.getResources();
		return r == null || (r.getLimits() == null || r.getLimits().isEmpty())
				&& (r.getRequests() == null || r.getRequests().isEmpty())
				&& (r.getClaims() == null || r.getClaims().isEmpty());
	}

	/**
	 * The fields an ephemeral container shares with a Container, for the common checks.
	 */
	static Container asContainer(EphemeralContainer ec) {
		Container c = new Container();
		c.setName(ec.getName());
		c.setImage(ec.getImage());
		c.setImagePullPolicy(ec.getImagePullPolicy());
		c.setCommand(ec.getCommand());
		c.setArgs(ec.getArgs());
		c.setWorkingDir(ec.getWorkingDir());
		c.setEnv(ec.getEnv());
		c.setEnvFrom(ec.getEnvFrom());
		c.setVolumeMounts(ec.getVolumeMounts());
		c.setVolumeDevices(ec.getVolumeDevices());
		c.setTerminationMessagePath(ec.getTerminationMessagePath());
		c.setTerminationMessagePolicy(ec.getTerminationMessagePolicy());
		c.setSecurityContext(ec.getSecurityContext());
		c.setStdin(ec.getStdin());
		c.setStdinOnce(ec.getStdinOnce());
		c.setTty(ec.getTty());
		// Reported by disallowedFields, not twice by the common checks.
		return c;
	}

}
