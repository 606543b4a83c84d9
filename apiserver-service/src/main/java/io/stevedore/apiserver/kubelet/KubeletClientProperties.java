package io.stevedore.apiserver.kubelet;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the apiserver reaches node agents, as kube-apiserver's
 * {@code --kubelet-client-certificate}, {@code --kubelet-client-key} and
 * {@code --kubelet-certificate-authority}. With the certificate authority set, agents are
 * called over HTTPS and their certificate must be signed by it and name the address
 * dialled; unset, over plain HTTP (agents without a serving certificate).
 *
 * @param clientCertificate the certificate presented to agents (PEM; kubeadm issues
 * {@code CN=kube-apiserver-kubelet-client, O=system:masters})
 * @param clientKey its private key (PEM)
 * @param certificateAuthority the CA that signs the agents' serving certificates (PEM)
 * @param reloadInterval how often, at most, a call to an agent checks whether the client
 * certificate and key files changed (10s; they are read again then, as kube-apiserver's
 * dynamic kubelet client certificate)
 */
@ConfigurationProperties("stevedore.apiserver.kubelet")
public record KubeletClientProperties(String clientCertificate, String clientKey, String certificateAuthority,
		Duration reloadInterval) {

	public KubeletClientProperties {
		reloadInterval = reloadInterval == null ? Duration.ofSeconds(10) : reloadInterval;
		if (blank(clientCertificate) != blank(clientKey)) {
			throw new IllegalArgumentException(
					"stevedore.apiserver.kubelet.client-certificate and client-key must be set together");
		}
	}

	static boolean blank(String value) {
		return value == null || value.isBlank();
	}

}
