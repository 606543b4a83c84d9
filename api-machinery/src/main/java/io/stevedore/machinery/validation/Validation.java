package io.stevedore.machinery.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.validation.apps.DaemonSetValidation;
import io.stevedore.machinery.validation.apps.DeploymentValidation;
import io.stevedore.machinery.validation.apps.ReplicaSetValidation;
import io.stevedore.machinery.validation.apps.StatefulSetValidation;
import io.stevedore.machinery.validation.batch.CronJobValidation;
import io.stevedore.machinery.validation.batch.JobValidation;
import io.stevedore.machinery.validation.certificates.CertificateSigningRequestValidation;
import io.stevedore.machinery.validation.cluster.EndpointSliceValidation;
import io.stevedore.machinery.validation.cluster.HorizontalPodAutoscalerValidation;
import io.stevedore.machinery.validation.cluster.LeaseValidation;
import io.stevedore.machinery.validation.cluster.PodDisruptionBudgetValidation;
import io.stevedore.machinery.validation.cluster.PriorityClassValidation;
import io.stevedore.machinery.validation.core.ConfigMapValidation;
import io.stevedore.machinery.validation.core.EndpointsValidation;
import io.stevedore.machinery.validation.core.NamespaceValidation;
import io.stevedore.machinery.validation.core.NodeValidation;
import io.stevedore.machinery.validation.core.PodValidation;
import io.stevedore.machinery.validation.core.ResourceListValidation;
import io.stevedore.machinery.validation.core.SecretValidation;
import io.stevedore.machinery.validation.core.ServiceValidation;
import io.stevedore.machinery.validation.networking.IngressValidation;
import io.stevedore.machinery.validation.rbac.RbacValidation;

/**
 * The apiserver's entry point to validation: metadata first, then the kind's own rules
 * ({@link KindValidator} per kind, keyed by group and kind). Kinds without rules of their
 * own get the metadata checks with DNS-1123 subdomain names. Call after defaulting, as
 * kube-apiserver does, so defaulted fields are present.
 *
 * <p>
 * Stateless and thread-safe.
 */
public final class Validation {

	private static final KindValidator<HasMetadata> METADATA_ONLY = obj -> List.of();

	/** Events and PersistentVolumes have path-segment names, like RBAC objects. */
	private static final KindValidator<HasMetadata> PATH_SEGMENT_NAMES = new KindValidator<>() {
		@Override
		public NameValidator names() {
			return NameValidator.PATH_SEGMENT;
		}

		@Override
		public List<FieldError> validate(HasMetadata obj) {
			return List.of();
		}
	};

	private static final Map<String, KindValidator<?>> VALIDATORS = Map.ofEntries(
			Map.entry("/Pod", new PodValidation()), Map.entry("/Service", new ServiceValidation()),
			Map.entry("/ConfigMap", new ConfigMapValidation()), Map.entry("/Secret", new SecretValidation()),
			Map.entry("/Namespace", new NamespaceValidation()), Map.entry("/Node", new NodeValidation()),
			Map.entry("/Endpoints", new EndpointsValidation()),
			Map.entry("/ResourceQuota", new ResourceListValidation.ResourceQuotaValidation()),
			Map.entry("/LimitRange", new ResourceListValidation.LimitRangeValidation()),
			Map.entry("/Event", PATH_SEGMENT_NAMES), Map.entry("/PersistentVolume", PATH_SEGMENT_NAMES),
			Map.entry("apps/Deployment", new DeploymentValidation()),
			Map.entry("apps/ReplicaSet", new ReplicaSetValidation()),
			Map.entry("apps/StatefulSet", new StatefulSetValidation()),
			Map.entry("apps/DaemonSet", new DaemonSetValidation()), Map.entry("batch/Job", new JobValidation()),
			Map.entry("batch/CronJob", new CronJobValidation()),
			Map.entry("networking.k8s.io/Ingress", new IngressValidation()),
			Map.entry("coordination.k8s.io/Lease", new LeaseValidation()),
			Map.entry("discovery.k8s.io/EndpointSlice", new EndpointSliceValidation()),
			Map.entry("events.k8s.io/Event", PATH_SEGMENT_NAMES),
			Map.entry("autoscaling/HorizontalPodAutoscaler", new HorizontalPodAutoscalerValidation()),
			Map.entry("policy/PodDisruptionBudget", new PodDisruptionBudgetValidation()),
			Map.entry("scheduling.k8s.io/PriorityClass", new PriorityClassValidation()),
			Map.entry("certificates.k8s.io/CertificateSigningRequest", new CertificateSigningRequestValidation()),
			Map.entry(RbacValidation.GROUP + "/Role", new RbacValidation.RoleValidation()),
			Map.entry(RbacValidation.GROUP + "/ClusterRole", new RbacValidation.ClusterRoleValidation()),
			Map.entry(RbacValidation.GROUP + "/RoleBinding", new RbacValidation.RoleBindingValidation()),
			Map.entry(RbacValidation.GROUP + "/ClusterRoleBinding", new RbacValidation.ClusterRoleBindingValidation()));

	private Validation() {
	}

	public static List<FieldError> validateCreate(ResourceType type, HasMetadata obj) {
		KindValidator<HasMetadata> validator = validatorFor(type, obj);
		List<FieldError> errs = new ArrayList<>(
				ObjectMetaValidation.validate(obj.getMetadata(), type.namespaced(), validator.names()));
		errs.addAll(validator.validate(obj));
		return errs;
	}

	/** An update of the whole object: the create rules plus what may not change. */
	public static List<FieldError> validateUpdate(ResourceType type, HasMetadata obj, HasMetadata old) {
		KindValidator<HasMetadata> validator = validatorFor(type, obj);
		List<FieldError> errs = new ArrayList<>(
				ObjectMetaValidation.validateUpdate(obj.getMetadata(), old.getMetadata()));
		errs.addAll(validator.validateUpdate(obj, cast(type, old)));
		return errs;
	}

	/** A write to the status subresource. */
	public static List<FieldError> validateStatusUpdate(ResourceType type, HasMetadata obj, HasMetadata old) {
		KindValidator<HasMetadata> validator = validatorFor(type, obj);
		List<FieldError> errs = new ArrayList<>(
				ObjectMetaValidation.validateUpdate(obj.getMetadata(), old.getMetadata()));
		errs.addAll(validator.validateStatusUpdate(obj, cast(type, old)));
		return errs;
	}

	/**
	 * A write to a subresource that changes one part of the object, such as
	 * {@code pods/ephemeralcontainers}.
	 */
	public static List<FieldError> validateSubresourceUpdate(ResourceType type, String subresource, HasMetadata obj,
			HasMetadata old) {
		KindValidator<HasMetadata> validator = validatorFor(type, obj);
		List<FieldError> errs = new ArrayList<>(
				ObjectMetaValidation.validateUpdate(obj.getMetadata(), old.getMetadata()));
		errs.addAll(validator.validateSubresourceUpdate(subresource, obj, cast(type, old)));
		return errs;
	}

	@SuppressWarnings("unchecked")
	private static KindValidator<HasMetadata> validatorFor(ResourceType type, HasMetadata obj) {
		cast(type, obj);
		KindValidator<?> v = VALIDATORS.get(type.group() + "/" + type.kind());
		return v == null ? METADATA_ONLY : (KindValidator<HasMetadata>) v;
	}

	private static HasMetadata cast(ResourceType type, HasMetadata obj) {
		if (!type.javaType().isInstance(obj)) {
			throw new IllegalArgumentException("a " + type.kind() + " validator was given a "
					+ obj.getClass().getSimpleName() + "; decode into " + type.javaType().getName() + " first");
		}
		return obj;
	}

}
