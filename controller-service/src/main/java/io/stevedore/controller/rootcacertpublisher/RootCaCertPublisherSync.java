package io.stevedore.controller.rootcacertpublisher;

import java.util.Map;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CacheLister;

/**
 * Kubernetes' root CA certificate publisher: every active namespace holds a ConfigMap
 * {@value #NAME} whose {@code ca.crt} is the CA that verifies the API server, so a pod's
 * kube-api-access volume can give its clients the CA next to the token. A ConfigMap
 * deleted, or whose data or description annotation changed, is written back (its data is
 * replaced whole, as Kubernetes does). Keys are namespace names.
 */
public final class RootCaCertPublisherSync implements Reconciler {

	public static final String NAME = "kube-root-ca.crt";

	public static final String KEY = "ca.crt";

	static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";

	/** kube-controller-manager's text, word for word. */
	static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using "
			+ "internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
			+ "guaranteed across distributions of Kubernetes clusters.";

	/** The writes, behind an interface so the sync is unit-tested. */
	public interface ConfigMapWriter {

		void create(ConfigMap map);

		void update(ConfigMap map);

	}

	private final Function<String, Namespace> namespaces;

	private final CacheLister<ConfigMap> configMaps;

	private final ConfigMapWriter writer;

	private final String rootCa;

	public RootCaCertPublisherSync(Function<String, Namespace> namespaces, CacheLister<ConfigMap> configMaps,
			ConfigMapWriter writer, String rootCa) {
		this.namespaces = namespaces;
		this.configMaps = configMaps;
		this.writer = writer;
		this.rootCa = rootCa;
	}

	@Override
	public Result reconcile(String key) {
		Keys.check(key);
		Namespace namespace = this.namespaces.apply(key);
		if (namespace == null || namespace.getMetadata().getDeletionTimestamp() != null
				|| (namespace.getStatus() != null && "Terminating".equals(namespace.getStatus().getPhase()))) {
			return Result.done();
		}
		Map<String, String> data = Map.of(KEY, this.rootCa);
		ConfigMap existing = this.configMaps.get(key, NAME);
		try {
			if (existing == null) {
				this.writer.create(new ConfigMapBuilder().withNewMetadata()
					.withName(NAME)
					.withNamespace(key)
					.addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION)
					.endMetadata()
					.withData(data)
					.build());
				return Result.done();
			}
			Map<String, String> annotations = existing.getMetadata().getAnnotations();
			boolean described = annotations != null && annotations.get(DESCRIPTION_ANNOTATION) != null
					&& !annotations.get(DESCRIPTION_ANNOTATION).isEmpty();
			if (data.equals(existing.getData())
					&& (existing.getBinaryData() == null || existing.getBinaryData().isEmpty()) && described) {
				return Result.done();
			}
			// The cached object is shared with the informer: change a copy.
			ConfigMap updated = new ConfigMapBuilder(existing).withData(data)
				.withBinaryData(null)
				.editMetadata()
				.addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION)
				.endMetadata()
				.build();
			this.writer.update(updated);
		}
		catch (KubernetesClientException ex) {
			// 409: the cache lagged (its event re-queues the key); 403 or 404: the
			// namespace is going away.
			if (ex.getCode() != 409 && ex.getCode() != 403 && ex.getCode() != 404) {
				throw ex;
			}
		}
		return Result.done();
	}

}
