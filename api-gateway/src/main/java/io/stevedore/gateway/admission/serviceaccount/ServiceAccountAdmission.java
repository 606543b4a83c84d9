package io.stevedore.gateway.admission.serviceaccount;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionPlugin;

/**
 * Kubernetes' ServiceAccount admission for new pods: {@code spec.serviceAccountName}
 * defaults to {@code default}; the account must exist ("error looking up service account
 * ns/name: serviceaccount "name" not found"); its token is mounted through
 * {@link TokenVolumeMounter} unless automounting is off; the account's imagePullSecrets
 * are copied when the pod names none; an account annotated
 * {@code kubernetes.io/enforce-mountable-secrets: "true"} limits the secrets the pod may
 * use. Mirror pods (static pods of a node) may reference neither accounts nor secrets.
 */
public final class ServiceAccountAdmission implements AdmissionPlugin {

	public static final String NAME = "ServiceAccount";

	public static final String DEFAULT_ACCOUNT = "default";

	static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

	static final String ENFORCE_MOUNTABLE_SECRETS = "kubernetes.io/enforce-mountable-secrets";

	private final ServiceAccountLookup accounts;

	private final TokenVolumeMounter tokens;

	public ServiceAccountAdmission(ServiceAccountLookup accounts, TokenVolumeMounter tokens) {
		this.accounts = accounts;
		this.tokens = tokens;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Set<String> resources() {
		return Set.of("/pods");
	}

	@Override
	public void admit(AdmissionAttributes attributes) {
		if (!(attributes.object() instanceof Pod pod) || !isPodCreate(attributes) || isMirror(pod)) {
			return;
		}
		String name = pod.getSpec().getServiceAccountName();
		if (name == null || name.isEmpty()) {
			pod.getSpec().setServiceAccountName(DEFAULT_ACCOUNT);
		}
		ServiceAccount account = lookUp(attributes, pod);
		if (shouldAutomount(account, pod)) {
			this.tokens.mount(account, pod);
		}
		if (pod.getSpec().getImagePullSecrets() == null || pod.getSpec().getImagePullSecrets().isEmpty()) {
			List<LocalObjectReference> copied = new ArrayList<>();
			for (LocalObjectReference secret : list(account.getImagePullSecrets())) {
				copied.add(new LocalObjectReference(secret.getName()));
			}
			if (!copied.isEmpty()) {
				pod.getSpec().setImagePullSecrets(copied);
			}
		}
	}

	@Override
	public void validate(AdmissionAttributes attributes) {
		if (!(attributes.object() instanceof Pod pod) || !isPodCreate(attributes)) {
			return;
		}
		if (isMirror(pod)) {
			validateMirror(attributes, pod);
			return;
		}
		String name = pod.getSpec().getServiceAccountName();
		if (name == null || name.isEmpty()) {
			throw AdmissionDenied.forbidden(attributes, "no service account specified for pod " + attributes.namespace()
					+ "/" + pod.getMetadata().getName());
		}
		ServiceAccount account = lookUp(attributes, pod);
		if (account.getMetadata().getAnnotations() != null
				&& "true".equals(account.getMetadata().getAnnotations().get(ENFORCE_MOUNTABLE_SECRETS))) {
			String refused = MountableSecrets.firstRefused(account, pod);
			if (refused != null) {
				throw AdmissionDenied.forbidden(attributes, refused);
			}
		}
	}

	private ServiceAccount lookUp(AdmissionAttributes attributes, Pod pod) {
		String name = pod.getSpec().getServiceAccountName();
		String prefix = "error looking up service account " + attributes.namespace() + "/" + name + ": ";
		Optional<ServiceAccount> account;
		try {
			account = this.accounts.find(attributes.namespace(), name);
		}
		catch (RuntimeException ex) {
			throw AdmissionDenied.forbidden(attributes, prefix + ex.getMessage());
		}
		return account.orElseThrow(
				() -> AdmissionDenied.forbidden(attributes, prefix + "serviceaccount \"" + name + "\" not found"));
	}

	private static void validateMirror(AdmissionAttributes attributes, Pod pod) {
		String account = pod.getSpec().getServiceAccountName();
		if (account != null && !account.isEmpty()) {
			throw AdmissionDenied.forbidden(attributes, "a mirror pod may not reference service accounts");
		}
		if (!MountableSecrets.secretNames(pod).isEmpty()) {
			throw AdmissionDenied.forbidden(attributes, "a mirror pod may not reference secrets");
		}
		for (Volume volume : list(pod.getSpec().getVolumes())) {
			if (volume.getProjected() != null) {
				for (VolumeProjection source : list(volume.getProjected().getSources())) {
					if (source.getServiceAccountToken() != null) {
						throw AdmissionDenied.forbidden(attributes,
								"a mirror pod may not use ServiceAccountToken volume projections");
					}
				}
			}
		}
	}

	/** The pod's own setting wins over the account's; both unset means mount. */
	static boolean shouldAutomount(ServiceAccount account, Pod pod) {
		if (pod.getSpec().getAutomountServiceAccountToken() != null) {
			return pod.getSpec().getAutomountServiceAccountToken();
		}
		if (account.getAutomountServiceAccountToken() != null) {
			return account.getAutomountServiceAccountToken();
		}
		return true;
	}

	private static boolean isPodCreate(AdmissionAttributes attributes) {
		return attributes.isMainResource("", "pods") && AdmissionAttributes.CREATE.equals(attributes.operation());
	}

	private static boolean isMirror(Pod pod) {
		Map<String, String> annotations = pod.getMetadata().getAnnotations();
		return annotations != null && annotations.containsKey(MIRROR_POD_ANNOTATION);
	}

	private static <T> List<T> list(List<T> list) {
		return list == null ? List.of() : list;
	}

	/** The secrets a pod uses, checked against what its account lists. */
	static final class MountableSecrets {

		private MountableSecrets() {
		}

		/**
		 * Kubernetes' limitSecretReferences: the first reference the account does not
		 * list.
		 */
		static String firstRefused(ServiceAccount account, Pod pod) {
			Set<String> mountable = new HashSet<>();
			for (ObjectReference secret : list(account.getSecrets())) {
				mountable.add(secret.getName());
			}
			String accountName = account.getMetadata().getName();
			for (Volume volume : list(pod.getSpec().getVolumes())) {
				if (volume.getSecret() != null && !mountable.contains(volume.getSecret().getSecretName())) {
					return "volume with secret.secretName=\"" + volume.getSecret().getSecretName()
							+ "\" is not allowed because service account " + accountName
							+ " does not reference that secret";
				}
			}
			String refused = containers("init container", list(pod.getSpec().getInitContainers()), mountable,
					accountName);
			if (refused == null) {
				refused = containers("container", list(pod.getSpec().getContainers()), mountable, accountName);
			}
			if (refused != null) {
				return refused;
			}
			Set<String> pullSecrets = new HashSet<>();
			for (LocalObjectReference secret : list(account.getImagePullSecrets())) {
				pullSecrets.add(secret.getName());
			}
			for (LocalObjectReference secret : list(pod.getSpec().getImagePullSecrets())) {
				if (!pullSecrets.contains(secret.getName())) {
					return "pull secret with name \"" + secret.getName() + "\" is not allowed because service account "
							+ accountName + " does not reference that image pull secret";
				}
			}
			return null;
		}

		private static String containers(String what, List<Container> containers, Set<String> mountable,
				String account) {
			for (Container container : containers) {
				for (EnvFromSource source : list(container.getEnvFrom())) {
					if (source.getSecretRef() != null && !mountable.contains(source.getSecretRef().getName())) {
						return what + " " + container.getName() + " with envFrom referencing secret.secretName=\""
								+ source.getSecretRef().getName() + "\" is not allowed because service account "
								+ account + " does not reference that secret";
					}
				}
				for (EnvVar env : list(container.getEnv())) {
					if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null
							&& !mountable.contains(env.getValueFrom().getSecretKeyRef().getName())) {
						return what + " " + container.getName() + " with envVar " + env.getName()
								+ " referencing secret.secretName=\"" + env.getValueFrom().getSecretKeyRef().getName()
								+ "\" is not allowed because service account " + account
								+ " does not reference that secret";
					}
				}
			}
			return null;
		}

		/** Every secret a pod names (volumes, env, envFrom, pull secrets). */
		static Set<String> secretNames(Pod pod) {
			Set<String> names = new HashSet<>();
			for (Volume volume : list(pod.getSpec().getVolumes())) {
				if (volume.getSecret() != null) {
					names.add(volume.getSecret().getSecretName());
				}
			}
			List<Container> all = new ArrayList<>(list(pod.getSpec().getContainers()));
			all.addAll(list(pod.getSpec().getInitContainers()));
			for (Container container : all) {
				for (EnvFromSource source : list(container.getEnvFrom())) {
					if (source.getSecretRef() != null) {
						names.add(source.getSecretRef().getName());
					}
				}
				for (EnvVar env : list(container.getEnv())) {
					if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
						names.add(env.getValueFrom().getSecretKeyRef().getName());
					}
				}
			}
			for (LocalObjectReference secret : list(pod.getSpec().getImagePullSecrets())) {
				names.add(secret.getName());
			}
			return names;
		}

	}

}
