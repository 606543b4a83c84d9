package io.stevedore.nodeagent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.workqueue.ExponentialFailureRateLimiter;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.nodeagent.cgroup.CgroupSetup;
import io.stevedore.nodeagent.cgroup.FsCgroupManager;
import io.stevedore.nodeagent.cgroup.PodCgroupManager;
import io.stevedore.nodeagent.config.NodeAgentProperties;
import io.stevedore.nodeagent.config.NodeIdentity;
import io.stevedore.nodeagent.node.NodeLeaseHeartbeat;
import io.stevedore.nodeagent.node.NodeStatusFactory;
import io.stevedore.nodeagent.node.NodeStatusUpdater;
import io.stevedore.nodeagent.node.NodeAllocatable;
import io.stevedore.nodeagent.node.NodeEventSink;
import io.stevedore.nodeagent.events.EventWriter;
import io.stevedore.nodeagent.eviction.AllocatableMemorySignal;
import io.stevedore.nodeagent.eviction.EvictionSignal;
import io.stevedore.nodeagent.eviction.HostSignals;
import io.stevedore.nodeagent.eviction.NodeSignals;
import io.stevedore.nodeagent.eviction.EvictionThreshold;
import io.stevedore.nodeagent.eviction.Evictions;
import io.stevedore.nodeagent.eviction.PodEvictor;
import io.stevedore.nodeagent.eviction.PressureMonitor;
import io.stevedore.nodeagent.eviction.RuntimePodUsage;
import io.stevedore.nodeagent.gc.ContainerGarbageCollector;
import io.stevedore.nodeagent.gc.DiskUsage;
import io.stevedore.nodeagent.gc.ImageGarbageCollector;
import io.stevedore.nodeagent.node.RuntimeHealth;
import io.stevedore.nodeagent.pod.BackOff;
import io.stevedore.nodeagent.pod.EnvResolver;
import io.stevedore.nodeagent.pod.FabricPodApi;
import io.stevedore.nodeagent.pod.OwnStatusEchoes;
import io.stevedore.nodeagent.pod.ImageManager;
import io.stevedore.nodeagent.pod.PodLifecycleEventGenerator;
import io.stevedore.nodeagent.pod.PodCgroups;
import io.stevedore.nodeagent.pod.PodSyncer;
import io.stevedore.nodeagent.pod.SandboxSettings;
import io.stevedore.nodeagent.pod.dns.DnsConfigurer;
import io.stevedore.nodeagent.pod.removal.EndpointRemovalGate;
import io.stevedore.nodeagent.pod.removal.InformerRoutingState;
import io.stevedore.nodeagent.pod.VolumeManager;
import io.stevedore.nodeagent.pod.TokenManager;
import io.stevedore.nodeagent.pod.FabricTokenRequests;
import io.stevedore.nodeagent.pod.probe.ProbeManager;
import io.stevedore.nodeagent.pod.probe.Prober;
import io.stevedore.nodeagent.pod.probe.UnhealthyEvents;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.simulated.SimulatedContainerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Wires the agent's loops and runs them for the life of the application:
 *
 * <pre>
 *  node status updater (10 s) ─► Node      lease heartbeat (2 s) ─► Lease
 *  service informer ─► service variables of new containers
 *  EndpointSlice + proxy Lease informers ─► a deleted pod's stop waits until no proxy routes to it
 *  pod informer (spec.nodeName=me) ─┐
 *  PLEG relist of Docker (1 s) ─────┼─► work queue ─► PodSyncer ─► Docker + pods/status
 *  probe workers (on a change) ─────┘
 * </pre>
 *
 * Threading: started and stopped by Spring once; every loop runs on its own threads.
 */
public final class NodeAgent implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);

	/**
	 * How often the eviction signals are measured (the kubelet's housekeeping interval).
	 */
	private static final Duration PRESSURE_PERIOD = Duration.ofSeconds(10);

	/**
	 * How often pod cgroups of pods gone are looked for: the kubelet's housekeeping
	 * period; a few directory listings each time.
	 */
	private static final Duration ORPHAN_CGROUPS_PERIOD = Duration.ofSeconds(2);

	/** Where the host's cgroup file systems are mounted. */
	private static final Path CGROUP_MOUNT = Path.of("/sys/fs/cgroup");

	private final KubernetesClient client;

	private final ContainerRuntime runtime;

	private final NodeAgentProperties properties;

	private final NodeIdentity identity;

	private final Clock clock;

	private final RuntimeHealth health = new RuntimeHealth();

	private ScheduledExecutorService scheduler;

	/** Image and container garbage collection and the eviction signals. */
	private ScheduledExecutorService housekeeping;

	private ScheduledExecutorService probeScheduler;

	private volatile SharedIndexInformer<Pod> informer;

	/** The node's pressure conditions, for admission; null before housekeeping starts. */
	private volatile PressureMonitor pressure;

	private SharedIndexInformer<Service> services;

	private SharedIndexInformer<EndpointSlice> slices;

	private SharedIndexInformer<Lease> leases;

	private Controller controller;

	private NodeStatusUpdater statusUpdater;

	/** The pods' cgroups; NONE when pods run without (simulated runtime, or off). */
	private PodCgroups podCgroups = PodCgroups.NONE;

	private volatile boolean running;

	public NodeAgent(KubernetesClient client, ContainerRuntime runtime, NodeAgentProperties properties,
			NodeIdentity identity, Clock clock) {
		this.client = client;
		this.runtime = runtime;
		this.properties = properties;
		this.identity = identity;
		this.clock = clock;
	}

	@Override
	public synchronized void start() {
		try {
			startLoops();
		}
		catch (RuntimeException ex) {
			// Half-started loops would outlive the failed context.
			stop();
			throw ex;
		}
	}

	private void startLoops() {
		String node = this.identity.name();
		this.scheduler = Executors.newScheduledThreadPool(2,
				Thread.ofPlatform().name("node-agent-", 0).daemon().factory());
		this.probeScheduler = Executors.newScheduledThreadPool(4,
				Thread.ofPlatform().name("probe-", 0).daemon().factory());
		EventWriter events = new EventWriter(this.client, node, this.clock);

		WorkQueue<String> queue = new WorkQueue<>(this.clock, ExponentialFailureRateLimiter.defaults());
		Evictions evictions = new Evictions(() -> this.pressure == null ? Set.of() : this.pressure.conditions(),
				queue::add);
		NodeStatusFactory statusFactory = this.runtime.simulated()
				? new NodeStatusFactory(this.identity, this.properties.port(), this.properties.maxPods())
				: startHousekeeping(node, NodeEventSink.of(events, node), evictions);
		this.statusUpdater = new NodeStatusUpdater(this.client, this.runtime, this.identity, statusFactory, this.health,
				this.properties.nodeStatusReportFrequency(), this.clock,
				this.runtime.simulated() ? SimulatedContainerRuntime.NODE_LABELS : Map.of(),
				NodeEventSink.of(events, node));
		NodeLeaseHeartbeat lease = new NodeLeaseHeartbeat(this.client, node, this.properties.nodeLeaseDuration(),
				this.clock);
		this.statusUpdater.sync();
		this.scheduler.scheduleWithFixedDelay(this.statusUpdater::sync,
				this.properties.nodeStatusUpdateFrequency().toMillis(),
				this.properties.nodeStatusUpdateFrequency().toMillis(), TimeUnit.MILLISECONDS);
		// The pod network again and again: an engine that was down at start, or restarted
		// with its networks gone, gets it back without an agent restart.
		this.scheduler.scheduleWithFixedDelay(this::ensurePodNetwork, 0,
				this.properties.nodeStatusUpdateFrequency().toMillis(), TimeUnit.MILLISECONDS);
		this.scheduler.scheduleWithFixedDelay(lease::renew, 0, this.properties.nodeLeaseRenewInterval().toMillis(),
				TimeUnit.MILLISECONDS);

		this.informer = this.client.pods().inAnyNamespace().withField("spec.nodeName", node).runnableInformer(0);
		OwnStatusEchoes echoes = new OwnStatusEchoes(queue::add);
		this.informer.addEventHandler(echoes);
		this.services = this.client.services().inAnyNamespace().runnableInformer(0);
		FabricPodApi api = new FabricPodApi(this.client, events,
				namespace -> this.services.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace), echoes);
		BackOff crashBackOff = new BackOff(this.properties.crashLoopBackOffInitial(),
				this.properties.crashLoopBackOffMax(), this.clock);
		BackOff imageBackOff = new BackOff(this.properties.crashLoopBackOffInitial(),
				this.properties.crashLoopBackOffMax(), this.clock);
		ProbeManager probes = new ProbeManager(new Prober(this.runtime), this.probeScheduler, queue::add,
				new UnhealthyEvents(key -> this.informer.getIndexer().getByKey(key), api));
		// Who routes to this node's pods: EndpointSlices, and the proxies' Leases (only
		// kube-node-lease is watched; the node heartbeats there are filtered out by
		// name).
		InformerRoutingState routing = new InformerRoutingState(node);
		this.slices = this.client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
		this.slices.addEventHandler(routing);
		this.leases = this.client.leases().inNamespace(NodeLeaseHeartbeat.NAMESPACE).runnableInformer(0);
		routing.attach(this.slices, this.leases);
		EndpointRemovalGate removal = new EndpointRemovalGate(routing, this.clock, Thread::sleep,
				this.properties.endpointRemovalTimeout());
		PodSyncer syncer = new PodSyncer(key -> this.informer.getIndexer().getByKey(key), this.runtime, node,
				this.identity.address(),
				new SandboxSettings(this.properties.sandboxImage(), this.properties.sandboxCommand(),
						this.properties.podNetwork()),
				new ImageManager(this.runtime, imageBackOff, api, api), new EnvResolver(api),
				new VolumeManager(this.identity.rootDir(), api,
						new TokenManager(new FabricTokenRequests(this.client), this.clock)),
				probes, crashBackOff, api, this.clock, this.properties.resyncPeriod(),
				new DnsConfigurer(this.properties.clusterDns(), this.properties.clusterDomain(),
						this.properties.resolvConf()),
				removal, evictions, this.podCgroups);
		this.controller = new Controller("pods", queue, syncer, this.properties.workers(),
				() -> this.informer.hasSynced() && this.services.hasSynced() && this.slices.hasSynced()
						&& this.leases.hasSynced(),
				this.clock);
		this.services.start();
		this.slices.start();
		this.leases.start();
		this.informer.start();
		this.controller.start();
		PodLifecycleEventGenerator pleg = new PodLifecycleEventGenerator(this.runtime, node, queue::add, this.health);
		// The first relist waits for the pod cache: a pod not yet listed must not look
		// like an orphan.
		this.scheduler.scheduleWithFixedDelay(() -> {
			if (this.informer.hasSynced()) {
				pleg.relist();
			}
		}, 0, this.properties.relistPeriod().toMillis(), TimeUnit.MILLISECONDS);
		this.running = true;
		log.info("node agent started node={} address={} root={}", node, this.identity.address(),
				this.identity.rootDir());
	}

	/**
	 * Image and container garbage collection and the eviction signals, on a thread of
	 * their own: a slow engine or disk must not hold up the lease and the status.
	 * @return the node status, with the pressure conditions and allocatable they give
	 */
	private NodeStatusFactory startHousekeeping(String node, NodeEventSink nodeEvents, Evictions evictions) {
		this.housekeeping = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("node-housekeeping").daemon().factory());
		DiskUsage imagefs = imageFileSystem();
		ImageGarbageCollector images = new ImageGarbageCollector(this.runtime, this.properties.imageGc(), imagefs,
				image -> image.names().contains(this.properties.sandboxImage()), nodeEvents, this.clock);
		every(images::run, Duration.ZERO, this.properties.imageGc().period());
		ContainerGarbageCollector containers = new ContainerGarbageCollector(this.runtime, node,
				this.properties.containerGc(), this.clock, nodeEvents);
		every(containers::run, this.properties.containerGc().period(), this.properties.containerGc().period());
		PodCgroupManager cgroups = this.properties.cgroupsPerQos() ? startCgroups(node, nodeEvents) : null;
		PodEvictor evictor = new PodEvictor(this::podsHere,
				new RuntimePodUsage(this.runtime, node, this.identity.rootDir().resolve("pods")), evictions,
				Duration.ofSeconds(this.properties.evictionMaxPodGracePeriod()));
		List<EvictionThreshold> thresholds = new ArrayList<>(this.properties.evictionThresholds());
		NodeSignals signals = new HostSignals(Path.of("/proc"), DiskUsage.of(this.identity.rootDir()), imagefs);
		Map<EvictionSignal, EvictionThreshold> minimumReclaims = new EnumMap<>(EvictionSignal.class);
		minimumReclaims.putAll(this.properties.evictionMinimumReclaims());
		if (cgroups != null) {
			// The pods' cgroup is limited to allocatable: evict before the kernel kills.
			thresholds = EvictionThreshold.withAllocatable(thresholds);
			signals = new AllocatableMemorySignal(signals, cgroups.allocatableMemoryBytes(), cgroups::podsWorkingSet);
			EvictionThreshold memoryReclaim = minimumReclaims.get(EvictionSignal.MEMORY_AVAILABLE);
			if (memoryReclaim != null) {
				minimumReclaims.put(EvictionSignal.ALLOCATABLE_MEMORY_AVAILABLE, memoryReclaim);
			}
		}
		thresholds.addAll(this.properties.evictionSoftThresholds());
		PressureMonitor pressure = new PressureMonitor(thresholds, signals,
				this.properties.evictionPressureTransitionPeriod(), nodeEvents, images::reclaimAll, this.clock, evictor,
				minimumReclaims);
		this.pressure = pressure;
		every(pressure::run, Duration.ZERO, PRESSURE_PERIOD);
		return new NodeStatusFactory(this.identity, this.properties.port(), this.properties.maxPods(),
				pressure::conditions,
				new NodeAllocatable(this.properties.reserved(), this.properties.evictionThresholds()));
	}

	/**
	 * The node's root and QoS cgroups with Node Allocatable, and the pod cgroups' orphans
	 * removed with the housekeeping; null when pods run without.
	 */
	private PodCgroupManager startCgroups(String node, NodeEventSink nodeEvents) {
		PodCgroupManager cgroups;
		try {
			cgroups = CgroupSetup.enforce(new FsCgroupManager(CGROUP_MOUNT), this.properties.cgroupRoot(node),
					this.runtime.info(), this.properties.reserved(), this::podsHere, nodeEvents);
		}
		catch (RuntimeException ex) {
			// The engine not answering: its cgroup driver is unknown, and so is the
			// capacity.
			log.warn("pod cgroups off, the engine did not say its cgroup driver error=\"{}\"", ex.getMessage());
			nodeEvents.record("Warning", "FailedNodeAllocatableEnforcement",
					"Pods run without pod cgroups, Node Allocatable is not enforced: the engine did not answer");
			return null;
		}
		if (cgroups != null) {
			this.podCgroups = cgroups;
			// Only against a full pod cache: a pod not yet listed is not an orphan.
			every(() -> {
				if (this.informer != null && this.informer.hasSynced()) {
					cgroups.removeOrphans();
				}
			}, Duration.ZERO, ORPHAN_CGROUPS_PERIOD);
		}
		return cgroups;
	}

	/** The pods bound here, once the cache holds them all (else none: none is chosen). */
	private List<Pod> podsHere() {
		SharedIndexInformer<Pod> pods = this.informer;
		return pods != null && pods.hasSynced() ? pods.getIndexer().list() : List.of();
	}

	private void every(Runnable task, Duration first, Duration period) {
		this.housekeeping.scheduleWithFixedDelay(task, first.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * The engine's data directory when this process sees it (an agent on the engine's
	 * host), else the agent's own root directory, which then most likely shares its disk.
	 */
	private DiskUsage imageFileSystem() {
		Path fallback = this.identity.rootDir();
		// Asked of the engine until it answers once: its data root does not move.
		java.util.concurrent.atomic.AtomicReference<Path> root = new java.util.concurrent.atomic.AtomicReference<>();
		return () -> {
			if (root.get() == null) {
				root.set(this.runtime.dataRoot().filter(Files::isDirectory).orElse(fallback));
			}
			return DiskUsage.of(root.get()).usage();
		};
	}

	private void ensurePodNetwork() {
		try {
			this.runtime.ensureNetwork(this.properties.podNetwork());
		}
		catch (RuntimeException ex) {
			log.debug("pod network not ready network={} error=\"{}\"", this.properties.podNetwork(), ex.getMessage());
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.controller != null) {
			this.controller.stop();
		}
		if (this.informer != null) {
			this.informer.stop();
		}
		for (SharedIndexInformer<?> other : new SharedIndexInformer<?>[] { this.services, this.slices, this.leases }) {
			if (other != null) {
				other.stop();
			}
		}
		for (ExecutorService executor : new ExecutorService[] { this.scheduler, this.probeScheduler,
				this.housekeeping }) {
			if (executor != null) {
				executor.shutdownNow();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** A pod bound to this node, from the informer's cache; null when unknown. */
	public Pod pod(String namespace, String name) {
		SharedIndexInformer<Pod> pods = this.informer;
		return pods == null ? null : pods.getIndexer().getByKey(namespace + "/" + name);
	}

	public RuntimeHealth health() {
		return this.health;
	}

	public NodeIdentity identity() {
		return this.identity;
	}

}
