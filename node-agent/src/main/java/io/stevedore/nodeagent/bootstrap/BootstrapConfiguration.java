package io.stevedore.nodeagent.bootstrap;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.client.config.ReloadableClientCertificate;
import io.stevedore.nodeagent.config.NodeAgentProperties;
import io.stevedore.nodeagent.config.NodeIdentity;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code stevedore.node.bootstrap.token-file} set, the agent's API client is the
 * node's own certificate, bootstrapped first if it has none (client-support's shared
 * client backs off), and renewed while the agent runs unless
 * {@code stevedore.node.bootstrap.rotate=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "stevedore.node.bootstrap.token-file")
@EnableConfigurationProperties(BootstrapProperties.class)
public class BootstrapConfiguration {

	@Bean
	TlsBootstrap tlsBootstrap(ApiServerClientProperties api, BootstrapProperties bootstrap) {
		return new TlsBootstrap(api, bootstrap, Clock.systemUTC());
	}

	@Bean
	NodeClientCertificate nodeClientCertificate(TlsBootstrap tlsBootstrap, NodeAgentProperties node) {
		ApiServerClientProperties credentials = tlsBootstrap.nodeCredentials(NodeIdentity.resolve(node).name());
		return new NodeClientCertificate(credentials, ReloadableClientCertificate.load(credentials));
	}

	@Bean(destroyMethod = "close")
	KubernetesClient kubernetesClient(NodeClientCertificate certificate) {
		return KubernetesClients.create(certificate.properties(), certificate.certificate());
	}

	@Bean(destroyMethod = "close")
	CertificateRotationTask certificateRotation(TlsBootstrap tlsBootstrap, BootstrapProperties bootstrap,
			NodeClientCertificate certificate, KubernetesClient client, NodeAgentProperties node,
			ObjectProvider<MeterRegistry> meters) {
		// The kubelet's certificate manager metrics, on the agent's /actuator/prometheus.
		meters.ifAvailable(
				(registry) -> Gauge
					.builder("kubelet_certificate_manager_client_ttl_seconds",
							() -> Duration
								.between(Instant.now(),
										certificate.certificate().certificate().getNotAfter().toInstant())
								.toSeconds())
					.description("TTL (time-to-live) of the node agent's client certificate, in seconds")
					.register(registry));
		if (!bootstrap.rotate()) {
			return new CertificateRotationTask(null, null);
		}
		String nodeName = NodeIdentity.resolve(node).name();
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "node-certificate-rotation");
			thread.setDaemon(true);
			return thread;
		});
		CertificateSigning signing = new CertificateSigning(Clock.systemUTC(), bootstrap.timeout());
		CertificateRotation rotation = new CertificateRotation(nodeName, certificate.certificate(),
				tlsBootstrap.files(), NodeCertificateRequest::create, bootstrap.certificateDuration(),
				(request) -> signing.issue(client, nodeName, request),
				(request) -> tlsBootstrap.issueWithToken(nodeName, request), Clock.systemUTC(),
				() -> ThreadLocalRandom.current().nextDouble(), CertificateRotation.on(executor));
		meters.ifAvailable((registry) -> FunctionCounter
			.builder("kubelet_certificate_manager_client_expiration_renew_errors", rotation,
					CertificateRotation::renewErrors)
			.description("Failed attempts to renew the node agent's client certificate")
			.register(registry));
		rotation.start();
		return new CertificateRotationTask(rotation, executor);
	}

	/** The node's credentials and the certificate its client presents. */
	record NodeClientCertificate(ApiServerClientProperties properties, ReloadableClientCertificate certificate) {
	}

	/** Ends the rotation with the context. */
	record CertificateRotationTask(CertificateRotation rotation,
			ScheduledExecutorService executor) implements AutoCloseable {

		@Override
		public void close() {
			if (this.rotation != null) {
				this.rotation.close();
				this.executor.shutdownNow();
			}
		}

	}

}
