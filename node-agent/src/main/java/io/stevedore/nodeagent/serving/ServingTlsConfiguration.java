package io.stevedore.nodeagent.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.nodeagent.bootstrap.CertificateRotation;
import io.stevedore.nodeagent.bootstrap.CertificateSigning;
import io.stevedore.nodeagent.bootstrap.NodeCertificateFiles;
import io.stevedore.nodeagent.bootstrap.NodeCertificateRequest;
import io.stevedore.nodeagent.config.NodeAgentProperties;
import io.stevedore.nodeagent.config.NodeIdentity;
import io.stevedore.nodeagent.serving.auth.AccessReviews;
import io.stevedore.nodeagent.serving.auth.ApiReviews;
import io.stevedore.nodeagent.serving.auth.CachingAccessReviews;
import io.stevedore.nodeagent.serving.auth.CachingTokenReviews;
import io.stevedore.nodeagent.serving.auth.GroupAccess;
import io.stevedore.nodeagent.serving.auth.KubeletAuthValve;
import io.stevedore.nodeagent.serving.auth.KubeletAuthenticator;
import io.stevedore.nodeagent.serving.auth.TokenReviews;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code stevedore.node.serving.cert-file} set, the agent's port is HTTPS with the
 * node's serving certificate ({@link ServingCertificate}); with {@code client-ca-file},
 * callers are authenticated and authorized as by the kubelet ({@link KubeletAuthValve}: a
 * client certificate of that CA or a reviewed bearer token, and a SubjectAccessReview);
 * with {@code tls-bootstrap}, the certificate is asked of the cluster and renewed
 * ({@link CertificateRotation}, the client certificate's rotation with the
 * {@code kubernetes.io/kubelet-serving} signer), through the agent's own API client.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "stevedore.node.serving.cert-file")
@EnableConfigurationProperties(ServingProperties.class)
public class ServingTlsConfiguration {

	@Bean
	ServingCertificate servingCertificate(ServingProperties serving, NodeAgentProperties node) {
		NodeIdentity identity = NodeIdentity.resolve(node);
		String clientCa = blank(serving.clientCaFile()) ? null : read(Path.of(serving.clientCaFile()));
		return new ServingCertificate(files(serving), clientCa, identity.name(), hostnames(identity), ips(identity),
				Clock.systemUTC());
	}

	/** Registered before the web server is made, which looks the bundle up by name. */
	@Bean
	SslBundleRegistrar servingBundle(ServingCertificate certificate) {
		return certificate::register;
	}

	/**
	 * The reviews of the agent's API callers, asked with the agent's own identity; only
	 * with client authentication on (client-ca-file).
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnProperty(name = "stevedore.node.serving.client-ca-file")
	ApiReviews apiReviews(ServingProperties serving, KubernetesClient client) {
		return new ApiReviews(client, serving.reviewTimeout());
	}

	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> servingTls(ServingProperties serving, SslBundles bundles,
			NodeAgentProperties node, ObjectProvider<ApiReviews> reviews) {
		boolean authenticate = !blank(serving.clientCaFile());
		return (factory) -> {
			Ssl ssl = new Ssl();
			ssl.setBundle(ServingCertificate.BUNDLE);
			// WANT, not NEED: the Actuator endpoints stay reachable without one; the
			// valve refuses the rest.
			ssl.setClientAuth(authenticate ? Ssl.ClientAuth.WANT : Ssl.ClientAuth.NONE);
			factory.setSsl(ssl);
			factory.setSslBundles(bundles);
			if (authenticate) {
				factory.addEngineValves(authValve(serving, reviews.getObject(), NodeIdentity.resolve(node).name()));
			}
		};
	}

	/**
	 * The kubelet's authentication (x509, and TokenReview with the token webhook on) and
	 * authorization (SubjectAccessReview, or the fixed groups), with its caches. No local
	 * allow for system:masters in Webhook mode: the kubelet always asks, and the
	 * apiserver allows that group anyway; the cache keeps it one review per 5 minutes per
	 * caller and subresource.
	 */
	static KubeletAuthValve authValve(ServingProperties serving, ApiReviews reviews, String nodeName) {
		TokenReviews tokens = serving.authenticationTokenWebhook()
				? new CachingTokenReviews(reviews, serving.authenticationCacheTtl(), Clock.systemUTC()) : null;
		AccessReviews access = serving.authorizationMode() == ServingProperties.AuthorizationMode.GROUPS
				? new GroupAccess(Set.copyOf(serving.authorizedGroups()))
				: new CachingAccessReviews(reviews, serving.authorizationCacheAuthorizedTtl(),
						serving.authorizationCacheUnauthorizedTtl(), Clock.systemUTC());
		return new KubeletAuthValve(new KubeletAuthenticator(tokens), access, nodeName);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnProperty(name = "stevedore.node.serving.tls-bootstrap", havingValue = "true")
	ServingRotation servingRotation(ServingProperties serving, ServingCertificate certificate, KubernetesClient client,
			NodeAgentProperties node, ObjectProvider<MeterRegistry> meters) {
		NodeIdentity identity = NodeIdentity.resolve(node);
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "serving-certificate-rotation");
			thread.setDaemon(true);
			return thread;
		});
		CertificateSigning signing = new CertificateSigning(Clock.systemUTC(), serving.timeout());
		CertificateRotation.Signing issue = (request) -> signing.issue(client, identity.name(), request);
		List<String> hostnames = hostnames(identity);
		List<String> ips = ips(identity);
		CertificateRotation rotation = new CertificateRotation("serving", identity.name(), certificate, files(serving),
				(name, duration) -> NodeCertificateRequest.createServing(name, duration, hostnames, ips),
				serving.certificateDuration(), issue, issue, Clock.systemUTC(),
				() -> ThreadLocalRandom.current().nextDouble(), CertificateRotation.on(executor));
		// The kubelet's serving certificate manager metrics.
		meters.ifAvailable((registry) -> {
			Gauge.builder("kubelet_certificate_manager_server_ttl_seconds", () -> {
				var current = certificate.certificate();
				return current == null ? 0
						: Duration.between(Instant.now(), current.getNotAfter().toInstant()).toSeconds();
			}).description("TTL (time-to-live) of the node agent's serving certificate, in seconds").register(registry);
			FunctionCounter
				.builder("kubelet_server_expiration_renew_errors", rotation, CertificateRotation::renewErrors)
				.description("Failed attempts to renew the node agent's serving certificate")
				.register(registry);
		});
		return new ServingRotation(rotation, executor);
	}

	/**
	 * Starts asking once the web server is up (its phase is earlier), so that a reload
	 * always finds Tomcat's connector running.
	 */
	static final class ServingRotation implements SmartLifecycle, AutoCloseable {

		private final CertificateRotation rotation;

		private final ScheduledExecutorService executor;

		private volatile boolean running;

		ServingRotation(CertificateRotation rotation, ScheduledExecutorService executor) {
			this.rotation = rotation;
			this.executor = executor;
		}

		@Override
		public void start() {
			this.running = true;
			this.rotation.start();
		}

		@Override
		public void stop() {
			close();
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public void close() {
			this.running = false;
			this.rotation.close();
			this.executor.shutdownNow();
		}

	}

	private static NodeCertificateFiles files(ServingProperties serving) {
		return new NodeCertificateFiles(Path.of(serving.certFile()), Path.of(serving.keyFile()));
	}

	/** The Node's Hostname address, and its address when that is a name. */
	static List<String> hostnames(NodeIdentity identity) {
		return ServingCertificate.isIp(identity.address()) ? List.of(identity.hostname())
				: List.of(identity.hostname(), identity.address()).stream().distinct().toList();
	}

	/** The Node's InternalIP. */
	static List<String> ips(NodeIdentity identity) {
		return ServingCertificate.isIp(identity.address()) ? List.of(identity.address()) : List.of();
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("stevedore.node.serving.client-ca-file: cannot read " + file, ex);
		}
	}

	private static boolean blank(String value) {
		return value == null || value.isBlank();
	}

}
