package io.stevedore.gateway.serviceaccount;

import java.time.Instant;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * GETs from the apiserver with the gateway's own client. fabric8's client blocks, so
 * every GET runs on Reactor's bounded elastic scheduler, never on a Netty event loop.
 */
public final class ApiServerObjectLookup implements ObjectLookup {

	private final KubernetesClient client;

	public ApiServerObjectLookup(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public Mono<LiveObject> get(ObjectKind kind, String namespace, String name) {
		return Mono.fromCallable(() -> fetch(kind, namespace, name)).subscribeOn(Schedulers.boundedElastic());
	}

	private LiveObject fetch(ObjectKind kind, String namespace, String name) {
		HasMetadata object = switch (kind) {
			case SERVICE_ACCOUNT -> this.client.serviceAccounts().inNamespace(namespace).withName(name).get();
			case POD -> this.client.pods().inNamespace(namespace).withName(name).get();
			case SECRET -> this.client.secrets().inNamespace(namespace).withName(name).get();
		};
		if (object == null) {
			return null;
		}
		String deletion = object.getMetadata().getDeletionTimestamp();
		Instant deleting = deletion == null ? null : Instant.parse(deletion);
		if (object instanceof Pod pod && pod.getSpec() != null) {
			return new LiveObject(object.getMetadata().getUid(), deleting, pod.getSpec().getServiceAccountName(),
					pod.getSpec().getNodeName());
		}
		return new LiveObject(object.getMetadata().getUid(), deleting, null, null);
	}

}
