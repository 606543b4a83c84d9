package io.stevedore.proxy.ingress;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.proxy.ingress.http.EndpointPicker;
import io.stevedore.proxy.ingress.http.IngressServer;
import io.stevedore.proxy.ingress.route.IngressClasses;
import io.stevedore.proxy.ingress.route.Problem;
import io.stevedore.proxy.ingress.route.RouteBuilder;
import io.stevedore.proxy.ingress.route.RouteTable;
import io.stevedore.proxy.ingress.route.Upstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ingress controller's loop: informers on Ingresses, IngressClasses, Services,
 * EndpointSlices, Secrets and Nodes mark the routes stale; one thread rebuilds the
 * {@link RouteTable} (at most once per {@code syncMinInterval}, at least once per
 * {@code syncPeriod}), loads the TLS Secrets it names, hands it to the server, then
 * reports problems as Events and writes the served Ingresses' status.
 */
public final class IngressController implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(IngressController.class);

	private final KubernetesClient client;

	private final IngressProperties properties;

	private final IngressServer server;

	private final EndpointPicker picker;

	private final IngressEvents events;

	private final IngressStatusWriter status;

	private final ScheduledExecutorService loop = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ingress-sync").daemon().factory());

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

	private SharedIndexInformer<Ingress> ingresses;

	private SharedIndexInformer<IngressClass> classes;

	private SharedIndexInformer<Service> services;

	private SharedIndexInformer<EndpointSlice> slices;

	private SharedIndexInformer<Secret> secrets;

	private SharedIndexInformer<Node> nodes;

	private volatile long lastSync;

	public IngressController(KubernetesClient client, IngressProperties properties, IngressServer server,
			EndpointPicker picker, String nodeName) {
		this.client = client;
		this.properties = properties;
		this.server = server;
		this.picker = picker;
		this.events = new IngressEvents(client, nodeName);
		this.status = new IngressStatusWriter(client, properties.statusAddresses());
	}

	public void start() {
		ensureClass();
		this.ingresses = inform(this.client.network().v1().ingresses().inAnyNamespace().runnableInformer(0));
		this.classes = inform(this.client.network().v1().ingressClasses().runnableInformer(0));
		this.services = inform(this.client.services().inAnyNamespace().runnableInformer(0));
		this.slices = inform(this.client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
		this.secrets = inform(this.client.secrets().inAnyNamespace().runnableInformer(0));
		this.nodes = inform(this.client.nodes().runnableInformer(0));
		long period = this.properties.syncPeriod().toMillis();
		this.loop.scheduleWithFixedDelay(this::trigger, period, period, TimeUnit.MILLISECONDS);
		trigger();
	}

	/**
	 * Creates our IngressClass when missing (another node's proxy may win the race: then
	 * it exists, which is all we need). An existing class is left as the user set it.
	 */
	private void ensureClass() {
		String name = this.properties.className();
		try {
			if (this.client.network().v1().ingressClasses().withName(name).get() != null) {
				return;
			}
			IngressClassBuilder builder = new IngressClassBuilder().withNewMetadata()
				.withName(name)
				.endMetadata()
				.withNewSpec()
				.withController(IngressProperties.CONTROLLER)
				.endSpec();
			if (this.properties.defaultClass()) {
				builder.editMetadata().addToAnnotations(IngressClasses.DEFAULT_ANNOTATION, "true").endMetadata();
			}
			this.client.network().v1().ingressClasses().resource(builder.build()).create();
			log.info("created IngressClass {} (controller {}, default {})", name, IngressProperties.CONTROLLER,
					this.properties.defaultClass());
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 409) {
				log.warn("cannot create IngressClass {}: {}", name, ex.getMessage());
			}
		}
	}

	private <T extends HasMetadata> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer) {
		informer.addEventHandler(new ResourceEventHandler<T>() {
			@Override
			public void onAdd(T obj) {
				trigger();
			}

			@Override
			public void onUpdate(T oldObj, T newObj) {
				trigger();
			}

			@Override
			public void onDelete(T obj, boolean deletedFinalStateUnknown) {
				trigger();
			}
		});
		informer.start();
		this.informers.add(informer);
		return informer;
	}

	/** Schedules a sync, coalescing a burst of changes into one. */
	public void trigger() {
		if (this.scheduled.compareAndSet(false, true)) {
			long wait = Math.max(0,
					this.properties.syncMinInterval().toMillis() - (System.currentTimeMillis() - this.lastSync));
			try {
				this.loop.schedule(this::sync, wait, TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				// closing
			}
		}
	}

	private void sync() {
		this.scheduled.set(false);
		this.lastSync = System.currentTimeMillis();
		try {
			for (SharedIndexInformer<?> informer : this.informers) {
				if (!informer.hasSynced()) {
					// Never serve a partial view (it would 404 hosts that exist).
					this.loop.schedule(this::trigger, 100, TimeUnit.MILLISECONDS);
					return;
				}
			}
			syncOnce();
		}
		catch (RuntimeException ex) {
			log.warn("Ingress sync failed", ex);
			this.loop.schedule(this::trigger, 1, TimeUnit.SECONDS);
		}
	}

	private void syncOnce() {
		IngressClasses ours = new IngressClasses(this.classes.getStore().list(), IngressProperties.CONTROLLER);
		List<Ingress> served = this.ingresses.getStore().list().stream().filter(ours::serves).toList();
		Map<String, Service> serviceMap = new HashMap<>();
		for (Service s : this.services.getStore().list()) {
			serviceMap.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
		}
		Set<String> secretKeys = new HashSet<>();
		for (Ingress ingress : served) {
			if (ingress.getSpec() != null && ingress.getSpec().getTls() != null) {
				for (IngressTLS tls : ingress.getSpec().getTls()) {
					if (tls.getSecretName() != null) {
						secretKeys.add(ingress.getMetadata().getNamespace() + "/" + tls.getSecretName());
					}
				}
			}
		}
		this.server.certificates().retain(secretKeys);
		RouteBuilder.Result result = RouteBuilder.build(served, serviceMap, this.slices.getStore().list(),
				key -> this.server.certificates().load(key, this.secrets.getStore().getByKey(key)));
		this.server.routes(result.table());
		forgetGone(result.table());
		Map<String, Ingress> byKey = new HashMap<>();
		for (Ingress ingress : served) {
			byKey.put(ingress.getMetadata().getNamespace() + "/" + ingress.getMetadata().getName(), ingress);
		}
		this.events.report(result.problems(), byKey);
		this.status.reconcile(served, this.nodes.getStore().list());
		log.debug("Ingress routes rebuilt: {} Ingresses served", served.size());
	}

	/** Breakers and round-robin cursors of endpoints no route names any more go. */
	private void forgetGone(RouteTable table) {
		Set<InetSocketAddress> endpoints = new HashSet<>();
		Set<String> upstreams = new HashSet<>();
		table.upstreams().forEach((Upstream u) -> {
			upstreams.add(u.name());
			endpoints.addAll(u.endpoints());
		});
		this.picker.retain(endpoints, upstreams);
	}

	/** For tests: the routes now served. */
	public RouteTable routes() {
		return this.server.routes();
	}

	@Override
	public void close() {
		this.loop.shutdownNow();
		for (SharedIndexInformer<?> informer : this.informers) {
			informer.close();
		}
	}

}
