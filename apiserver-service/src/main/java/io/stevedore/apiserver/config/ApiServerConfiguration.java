package io.stevedore.apiserver.config;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.apiserver.admission.Admission;
import io.stevedore.apiserver.admission.WebhookAdmission;
import io.stevedore.apiserver.allocation.RangeAllocator;
import io.stevedore.apiserver.allocation.ServiceCidr;
import io.stevedore.apiserver.allocation.ServiceStrategy;
import io.stevedore.apiserver.cache.ObjectAttributes;
import io.stevedore.apiserver.cache.WatchCache;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.apiserver.encryption.EncryptionProperties;
import io.stevedore.apiserver.encryption.StorageEncryption;
import io.stevedore.apiserver.http.DiscoveryEndpoints;
import io.stevedore.apiserver.http.KubernetesApiServlet;
import io.stevedore.apiserver.http.RequestMetrics;
import io.stevedore.apiserver.http.ResourceHandlers;
import io.stevedore.apiserver.kubelet.KubeletTransport;
import io.stevedore.apiserver.metrics.AgentScraper;
import io.stevedore.apiserver.metrics.MetricsApi;
import io.stevedore.apiserver.metrics.MetricsTypes;
import io.stevedore.apiserver.rest.BodyDecoder;
import io.stevedore.apiserver.rest.CreateOperation;
import io.stevedore.apiserver.rest.DeleteOperations;
import io.stevedore.apiserver.rest.GuaranteedUpdate;
import io.stevedore.apiserver.rest.ManagedFields;
import io.stevedore.apiserver.rest.NamespaceLifecycle;
import io.stevedore.apiserver.rest.PodSubresources;
import io.stevedore.apiserver.rest.ReadOperations;
import io.stevedore.apiserver.rest.RestContext;
import io.stevedore.apiserver.rest.ScaleSubresource;
import io.stevedore.apiserver.rest.UpdateOperations;
import io.stevedore.apiserver.rest.WatchOperation;
import io.stevedore.apiserver.rest.strategy.Strategies;
import io.stevedore.machinery.discovery.Discovery;
import io.stevedore.machinery.openapi.Descriptions;
import io.stevedore.machinery.openapi.OpenApi;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreConfig;
import io.stevedore.storage.Stores;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;

/** Wires the apiserver: store, watch cache, REST operations, discovery. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ ApiServerProperties.class, EncryptionProperties.class })
public class ApiServerConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	ResourceRegistry resourceRegistry() {
		return MetricsTypes.withMetrics(ResourceRegistry.standard());
	}

	@Bean
	ObjectCodec objectCodec() {
		return new ObjectCodec();
	}

	@Bean(destroyMethod = "close")
	Store store(ApiServerProperties properties, EncryptionProperties encryptionProperties) {
		StorageEncryption encryption = encryptionProperties.load();
		ApiServerProperties.Storage storage = properties.storage();
		StoreConfig config = new StoreConfig(storage.url(), Path.of(storage.embeddedDir()), storage.keyPrefix(),
				storage.requireDurable(), storage.watchHistory());
		return EncryptionProperties.wrap(Stores.open(config), encryption);
	}

	@Bean(destroyMethod = "close")
	WatchCache watchCache(Store store, ResourceRegistry registry, ObjectCodec codec, ApiServerProperties properties) {
		WatchCache cache = new WatchCache(store, new ObjectAttributes(registry, codec),
				properties.apiserver().watchCacheEvents());
		cache.start();
		return cache;
	}

	/**
	 * Graceful shutdown waits for open requests, and a watch would hold it for its whole
	 * timeout: end the watches first (ContextClosedEvent comes before the web server
	 * stops).
	 */
	@Bean
	ApplicationListener<ContextClosedEvent> endWatchesOnShutdown(WatchCache cache) {
		return event -> cache.terminateWatchers();
	}

	@Bean
	ServiceStrategy serviceStrategy(Store store, ApiServerProperties properties) {
		ServiceCidr cidr = new ServiceCidr(properties.apiserver().serviceCidr());
		String[] ports = properties.apiserver().nodePortRange().split("-");
		long firstPort = Long.parseLong(ports[0].trim());
		long lastPort = Long.parseLong(ports[1].trim());
		SecureRandom random = new SecureRandom();
		RangeAllocator clusterIps = new RangeAllocator(store, "/registry/ranges/serviceips/", cidr.firstAllocatable(),
				cidr.size() - cidr.firstAllocatable() - 1, random);
		RangeAllocator nodePorts = new RangeAllocator(store, "/registry/ranges/servicenodeports/", firstPort,
				lastPort - firstPort + 1, random);
		return new ServiceStrategy(cidr, clusterIps, nodePorts);
	}

	/**
	 * The gateway's admission endpoint when one is configured; else everything is
	 * admitted (a bare apiserver, as in its own tests).
	 */
	@Bean
	Admission admission(ApiServerProperties properties, ObjectCodec codec, Clock clock) {
		String url = properties.apiserver().admission().url();
		return url == null || url.isBlank() ? Admission.NONE
				: new WebhookAdmission(URI.create(url.trim()), codec, clock);
	}

	@Bean
	RestContext restContext(Store store, WatchCache cache, ObjectCodec codec, ResourceRegistry registry,
			ServiceStrategy services, Clock clock, ApiServerProperties properties, Admission admission) {
		return new RestContext(store, cache, codec, registry, new Strategies(services), clock,
				properties.apiserver().consistentReadTimeout(), admission);
	}

	@Bean
	ResourceHandlers resourceHandlers(RestContext context, ApiServerProperties properties) {
		BodyDecoder decoder = new BodyDecoder(context.codec());
		ManagedFields managedFields = new ManagedFields(context.codec());
		ReadOperations reads = new ReadOperations(context);
		CreateOperation creates = new CreateOperation(context, decoder, managedFields, new NamespaceLifecycle(context));
		GuaranteedUpdate guaranteed = new GuaranteedUpdate(context, managedFields, creates);
		UpdateOperations updates = new UpdateOperations(context, decoder, guaranteed);
		DeleteOperations deletes = new DeleteOperations(context, reads);
		return new ResourceHandlers(reads, creates, updates, deletes,
				new WatchOperation(context, properties.apiserver().watchQueueCapacity()),
				new ScaleSubresource(context, updates), new PodSubresources(context, guaranteed, deletes));
	}

	/**
	 * The Kubernetes API paths, served by a plain servlet next to Spring MVC's
	 * dispatcher.
	 */
	@Bean
	ServletRegistrationBean<KubernetesApiServlet> kubernetesApiServlet(ResourceRegistry registry,
			ResourceHandlers handlers, DiscoveryEndpoints discovery, ObjectCodec codec, Clock clock,
			MeterRegistry meterRegistry, MetricsApi resourceMetrics, KubeletTransport kubelets) {
		ServletRegistrationBean<KubernetesApiServlet> registration = new ServletRegistrationBean<>(
				new KubernetesApiServlet(registry, handlers, discovery, codec, clock, new RequestMetrics(meterRegistry),
						resourceMetrics, kubelets),
				"/api/*", "/apis/*");
		registration.setLoadOnStartup(1);
		return registration;
	}

	/**
	 * metrics.k8s.io: agents are asked with a 3 s timeout and their answers kept 5 s, as
	 * metrics-server's scrape timeout and resolution keep kubectl top cheap.
	 */
	@Bean
	MetricsApi resourceMetrics(Store store, ObjectCodec codec, Clock clock, ResourceRegistry registry,
			KubeletTransport kubelets) {
		AgentScraper scraper = new AgentScraper(codec.json(), clock, Duration.ofSeconds(3), Duration.ofSeconds(5),
				kubelets);
		return new MetricsApi(store, codec, scraper, clock, registry.find("", "v1", "nodes").orElseThrow(),
				registry.find("", "v1", "pods").orElseThrow());
	}

	/**
	 * The OpenAPI documents, with Kubernetes' type and field documentation for kubectl
	 * explain: {@code openapi/descriptions.json.gz} (made by
	 * {@code scripts/openapi-descriptions.py}) is read when the first document is
	 * rendered and not kept.
	 */
	@Bean
	OpenApi openApi(ResourceRegistry registry) {
		return OpenApi.of(registry, ApiServerConfiguration::openApiDescriptions);
	}

	static Descriptions openApiDescriptions() {
		return Descriptions.fromGzipResource(ApiServerConfiguration.class, "/openapi/descriptions.json.gz");
	}

	@Bean
	Discovery discovery(ResourceRegistry registry, ApiServerProperties properties) {
		return Discovery.of(registry, properties.apiserver().advertiseAddress());
	}

}
