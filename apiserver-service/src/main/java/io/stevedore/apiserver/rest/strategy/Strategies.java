package io.stevedore.apiserver.rest.strategy;

import java.util.Map;

import io.stevedore.machinery.registry.ResourceType;

/** The strategy of each kind; kinds not listed follow only the generic rules. */
public final class Strategies {

	private final Map<String, ResourceStrategy> byGroupKind;

	public Strategies(ResourceStrategy serviceStrategy) {
		ResourceStrategy createOnUpdate = new ResourceStrategy() {
			@Override
			public boolean allowCreateOnUpdate() {
				return true;
			}
		};
		ResourceStrategy nodes = new ResourceStrategy() {
			@Override
			public boolean resetsStatusOnCreate() {
				// A node agent registers its node with its status.
				return false;
			}
		};
		this.byGroupKind = Map.of("/Pod", new PodStrategy(), "/Namespace", new NamespaceStrategy(), "/Service",
				serviceStrategy, "/Node", nodes, "/Endpoints", createOnUpdate, "coordination.k8s.io/Lease",
				createOnUpdate, "/Event", createOnUpdate, "certificates.k8s.io/CertificateSigningRequest",
				new CertificateSigningRequestStrategy());
	}

	public ResourceStrategy of(ResourceType type) {
		return this.byGroupKind.getOrDefault(type.group() + "/" + type.kind(), ResourceStrategy.DEFAULT);
	}

}
