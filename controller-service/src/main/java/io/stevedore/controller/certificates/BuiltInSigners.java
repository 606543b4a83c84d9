package io.stevedore.controller.certificates;

import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes signers csrsigning issues for, each with its checks. Requests of any
 * other signer are not csrsigning's: they stay pending (or approved) until a signer of
 * that name writes a certificate, as in Kubernetes. {@code kubernetes.io/legacy-unknown}
 * is not here: certificates.k8s.io/v1 refuses it on create, so this cluster never signs
 * one.
 */
final class BuiltInSigners {

	static final String KUBE_APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client";

	static final String KUBELET_SERVING = "kubernetes.io/kubelet-serving";

	private static final Map<String, SignerPolicy> POLICIES = Map.of(KUBE_APISERVER_CLIENT,
			KubeApiServerClientRequest::problem, NodeClientRequest.SIGNER, NodeClientRequest::problem, KUBELET_SERVING,
			KubeletServingRequest::problem);

	private BuiltInSigners() {
	}

	/** The signer's checks, or empty when csrsigning does not sign for that name. */
	static Optional<SignerPolicy> forName(String signerName) {
		return Optional.ofNullable(signerName == null ? null : POLICIES.get(signerName));
	}

}
