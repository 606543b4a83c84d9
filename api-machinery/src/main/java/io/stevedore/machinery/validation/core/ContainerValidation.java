package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;
import static io.stevedore.machinery.validation.CommonValidation.str;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.NameValidation;

/**
 * The checks every container gets (validateContainerCommon): name, image, ports, env,
 * volume mounts, pull policy, termination message policy and resources.
 */
public final class ContainerValidation {

	static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

	private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");

	private static final List<String> TERMINATION_MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");

	private ContainerValidation() {
	}

	static List<FieldError> common(Container ctr, Set<String> volumes, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		errs.addAll(CommonValidation.required(ctr.getName(), path.child("name"), NameValidation::dns1123Label));
		if (isEmpty(ctr.getImage())) {
			errs.add(FieldError.required(path.child("image").toString(), ""));
		}
		errs.addAll(CommonValidation.oneOf(ctr.getTerminationMessagePolicy(), path.child("terminationMessagePolicy"),
				TERMINATION_MESSAGE_POLICIES));
		errs.addAll(ports(list(ctr.getPorts()), path.child("ports")));
		errs.addAll(env(list(ctr.getEnv()), path.child("env")));
		errs.addAll(volumeMounts(list(ctr.getVolumeMounts()), volumes, path.child("volumeMounts")));
		errs.addAll(CommonValidation.oneOf(ctr.getImagePullPolicy(), path.child("imagePullPolicy"), PULL_POLICIES));
		errs.addAll(ResourceRequirementsValidation.validate(ctr.getResources(), path.child("resources")));
		return errs;
	}

	static List<FieldError> ports(List<ContainerPort> ports, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < ports.size(); i++) {
			ContainerPort port = ports.get(i);
			FieldPath p = path.index(i);
			if (!isEmpty(port.getName())) {
				List<FieldError> nameErrs = CommonValidation.check(port.getName(), p.child("name"),
						NameValidation::ianaSvcName);
				if (!nameErrs.isEmpty()) {
					errs.addAll(nameErrs);
				}
				else if (!names.add(port.getName())) {
					errs.add(FieldError.duplicate(p.child("name").toString(), port.getName()));
				}
			}
			if (port.getContainerPort() == null || port.getContainerPort() == 0) {
				errs.add(FieldError.required(p.child("containerPort").toString(), ""));
			}
			else {
				errs.addAll(CommonValidation.portNumber(port.getContainerPort(), p.child("containerPort")));
			}
			if (port.getHostPort() != null && port.getHostPort() != 0) {
				errs.addAll(CommonValidation.portNumber(port.getHostPort(), p.child("hostPort")));
			}
			errs.addAll(CommonValidation.oneOf(port.getProtocol(), p.child("protocol"), PROTOCOLS));
		}
		return errs;
	}

	static List<FieldError> env(List<EnvVar> vars, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		for (int i = 0; i < vars.size(); i++) {
			EnvVar ev = vars.get(i);
			FieldPath p = path.index(i);
			errs.addAll(CommonValidation.required(ev.getName(), p.child("name"), NameValidation::envVarName));
			errs.addAll(valueFrom(ev, p.child("valueFrom")));
		}
		return errs;
	}

	private static List<FieldError> valueFrom(EnvVar ev, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		EnvVarSource from = ev.getValueFrom();
		if (from == null) {
			return errs;
		}
		int sources = 0;
		if (from.getFieldRef() != null) {
			sources++;
			if (isEmpty(from.getFieldRef().getFieldPath())) {
				errs.add(FieldError.required(path.child("fieldRef", "fieldPath").toString(), ""));
			}
		}
		if (from.getResourceFieldRef() != null) {
			sources++;
			if (isEmpty(from.getResourceFieldRef().getResource())) {
				errs.add(FieldError.required(path.child("resourceFieldRef", "resource").toString(), ""));
			}
		}
		if (from.getConfigMapKeyRef() != null) {
			sources++;
			ConfigMapKeySelector ref = from.getConfigMapKeyRef();
			errs.addAll(keySelector(ref.getName(), ref.getKey(), path.child("configMapKeyRef")));
		}
		if (from.getSecretKeyRef() != null) {
			sources++;
			SecretKeySelector ref = from.getSecretKeyRef();
			errs.addAll(keySelector(ref.getName(), ref.getKey(), path.child("secretKeyRef")));
		}
		if (sources == 0) {
			errs.add(FieldError.invalid(path.toString(), "",
					"must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
		}
		else if (!isEmpty(ev.getValue())) {
			errs.add(FieldError.invalid(path.toString(), "", "may not be specified when `value` is not empty"));
		}
		else if (sources > 1) {
			errs.add(FieldError.invalid(path.toString(), "", "may not have more than one field specified at a time"));
		}
		return errs;
	}

	private static List<FieldError> keySelector(String name, String key, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		errs.addAll(CommonValidation.check(str(name), path.child("name"), NameValidation::dns1123Subdomain));
		errs.addAll(CommonValidation.required(key, path.child("key"), NameValidation::configMapKey));
		return errs;
	}

	static List<FieldError> volumeMounts(List<VolumeMount> mounts, Set<String> volumes, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		Set<String> mountPoints = new HashSet<>();
		for (int i = 0; i < mounts.size(); i++) {
			VolumeMount m = mounts.get(i);
			FieldPath p = path.index(i);
			if (isEmpty(m.getName())) {
				errs.add(FieldError.required(p.child("name").toString(), ""));
			}
			if (!volumes.contains(str(m.getName()))) {
				errs.add(new FieldError(FieldError.Type.NOT_FOUND, p.child("name").toString(), str(m.getName()), null));
			}
			if (isEmpty(m.getMountPath())) {
				errs.add(FieldError.required(p.child("mountPath").toString(), ""));
			}
			else if (!mountPoints.add(m.getMountPath())) {
				errs.add(FieldError.invalid(p.child("mountPath").toString(), m.getMountPath(), "must be unique"));
			}
			if (!isEmpty(m.getSubPath())) {
				errs.addAll(VolumeValidation.localDescendingPath(m.getSubPath(), path.child("subPath")));
			}
		}
		return errs;
	}

}
