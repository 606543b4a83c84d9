package io.stevedore.nodeagent.hollow;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.events.EventSink;
import io.stevedore.client.workqueue.ExponentialFailureRateLimiter;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.nodeagent.config.NodeAgentProperties;
import io.stevedore.nodeagent.config.NodeIdentity;
import io.stevedore.nodeagent.pod.FabricTokenRequests;
import io.stevedore.nodeagent.pod.SandboxSettings;
import io.stevedore.nodeagent.pod.TokenManager;
import io.stevedore.nodeagent.pod.dns.DnsConfigurer;
import io.stevedore.nodeagent.pod.removal.EndpointRemovalGate;
import io.stevedore.nodeagent.runtime.simulated.PodCidrBlocks;
import io.stevedore.nodeagent.runtime.simulated.SimulatedRuntimeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Many simulated nodes in one process, as kubemark's hollow nodes or KWOK: nodes
 * {@code <name>-0} to {@code <name>-(N-1)}, each registered, heartbeating and running its
 * pods through the same phases as a one-node agent on the simulated runtime, on parts
 * they share:
 *
 * <pre>
 *  pod informer (spec.nodeName!=) ─► PodRouter ─► node i's status echoes ─┐
 *  node i's PLEG relist, probes ──────────────────────────────────────────┼─► one queue
 *  (keys "node/namespace/name") ─► controller workers ─► NodeDispatch ─► node i's PodSyncer
 *  PeriodicTasks: every node's Lease, status and relist on 2 timer threads, phases spread
 * </pre>
 *
 * One client, one pod informer for every bound pod (its cache is each node's pod lookup),
 * one service informer, one queue, the probe and event executors. Each node has its own
 * simulated runtime with its own block of pod addresses ({@link PodCidrBlocks}) and its
 * own volume directory under the host's root.
 * <p>
 * Threading: started and stopped by Spring once.
 */
public final class HollowNodeHost implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(HollowNodeHost.class);

	/**
	 * Threads, so status calls in flight at once: enough to keep the apiserver busy, few
	 * enough that a slow apiserver sees a queue here, not a thousand connections.
	 */
	private static final int STATUS_LANE = 16;

	/**
	 * Threads of the Lease lane: 1,000 nodes renewing every 2 s are 500 calls a second,
	 * so a renewal may take 128 ms before the lane falls behind; with 16 a loaded run's
	 * renewals took ~300 ms and the lane ran 50 a second.
	 */
	private static final int LEASE_LANE = 64;

	/**
	 * Events waiting to be written; beyond it they are dropped, as the kubelet's event
	 * broadcaster drops them when its queue (1,000) is full.
	 */
	private static final int EVENT_QUEUE = 1000;

	private final KubernetesClient client;

	private final NodeAgentProperties properties;

	private final SimulatedRuntimeProperties simulated;

	private final int count;

	private final NodeIdentity identity;

	private final Clock clock;

	private final Map<String, HollowNode> nodes = new LinkedHashMap<>();

	private PeriodicTasks tasks;

	private ScheduledExecutorService probes;

	private ExecutorService events;

	private SharedIndexInformer<Pod> pods;

	private SharedIndexInformer<Service> services;

	private Controller controller;

	private volatile boolean running;

	public HollowNodeHost(KubernetesClient client, NodeAgentProperties properties, SimulatedRuntimeProperties simulated,
			HollowNodesProperties hollow, NodeIdentity identity, Clock clock) {
		this.client = client;
		this.properties = properties;
		this.simulated = simulated;
		this.count = hollow.nodes();
		this.identity = identity;
		this.clock = clock;
	}

	/** Node {@code index}'s name. */
	static String nodeName(String prefix, int index) {
		return prefix + "-" + index;
	}

	@Override
	public synchronized void start() {
		try {
			startLoops();
		}
		catch (RuntimeException ex) {
			stop();
			throw ex;
		}
	}

	private void startLoops() {
		PodCidrBlocks blocks = PodCidrBlocks.carve(
				this.simulated.podCidr().isEmpty() ? PodCidrBlocks.DEFAULT_RANGE : this.simulated.podCidr(), this.count,
				this.properties.maxPods());
		WorkQueue<String> queue = new WorkQueue<>(this.clock, ExponentialFailureRateLimiter.defaults());
		// Every bound pod of the cluster: one watch for all nodes; the router drops the
		// pods of nodes hosted elsewhere.
		this.pods = this.client.pods()
			.inAnyNamespace()
			.withoutField("spec.nodeName", "")
			.runnableInformer(0)
			.itemStore(new WithoutManagedFields<>());
		this.services = this.client.services().inAnyNamespace().runnableInformer(0);
		this.probes = Executors.newScheduledThreadPool(2,
				Thread.ofPlatform().name("hollow-probe-", 0).daemon().factory());
		// Bounded, refusing when full: an event refused is dropped (EventSink), as
		// client-go's broadcaster drops them when its channel is full.
		this.events = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(EVENT_QUEUE),
				Thread.ofPlatform().name("hollow-events-", 0).daemon().factory());
		SharedIndexInformer<Pod> podCache = this.pods;
		SharedIndexInformer<Service> serviceCache = this.services;
		SharedParts shared = new SharedParts(this.client, this.properties, this.simulated, this.clock,
				key -> podCache.getIndexer().getByKey(key), podCache::hasSynced,
				namespace -> serviceCache.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace), queue::add,
				new EventSink(this.client, this.clock, this.events), this.probes,
				new TokenManager(new FabricTokenRequests(this.client), this.clock),
				new DnsConfigurer(this.properties.clusterDns(), this.properties.clusterDomain(),
						this.properties.resolvConf()),
				new SandboxSettings(this.properties.sandboxImage(), this.properties.sandboxCommand(),
						this.properties.podNetwork()),
				new EndpointRemovalGate(new NoRouting(), this.clock, Thread::sleep,
						this.properties.endpointRemovalTimeout()),
				this.identity.address(), this.identity.rootDir());
		for (int i = 0; i < this.count; i++) {
			String name = nodeName(this.identity.name(), i);
			this.nodes.put(name, new HollowNode(name, blocks.block(i), shared));
		}
		this.pods.addEventHandler(new PodRouter(node -> {
			HollowNode hosted = this.nodes.get(node);
			return hosted == null ? null : hosted.podEvents();
		}));
		this.controller = new Controller("hollow-pods", queue, new NodeDispatch(node -> {
			HollowNode hosted = this.nodes.get(node);
			return hosted == null ? null : hosted.syncer();
		}), this.properties.workers(), () -> podCache.hasSynced() && serviceCache.hasSynced(), this.clock);
		this.services.start();
		this.pods.start();
		this.controller.start();
		schedule();
		this.running = true;
		log.info("hollow node host started nodes={} first={} last={} podBlocks={}..{}", this.count,
				nodeName(this.identity.name(), 0), nodeName(this.identity.name(), this.count - 1), blocks.block(0),
				blocks.block(this.count - 1));
	}

	/**
	 * Every node's periodic work, spread in phase. Registration (the first status sync)
	 * comes within the first Lease interval; the Lease is renewed once the Node exists.
	 */
	private void schedule() {
		this.tasks = new PeriodicTasks();
		// Renewals have a lane of their own: the heartbeat, which the node lifecycle
		// controller judges, never waits behind status syncs (separate loops in the
		// kubelet too).
		ExecutorService leases = this.tasks.lane("lease", LEASE_LANE);
		ExecutorService statuses = this.tasks.lane("status", STATUS_LANE);
		Duration renew = this.properties.nodeLeaseRenewInterval();
		Duration status = this.properties.nodeStatusUpdateFrequency();
		Duration relist = this.properties.relistPeriod();
		int i = 0;
		for (HollowNode node : this.nodes.values()) {
			this.tasks.remote(node::syncStatus, statuses, PhaseSpread.offset(i, this.count, renew, 0),
					status.plus(PhaseSpread.offset(i, this.count, status, 0.5)), status);
			Duration lease = PhaseSpread.offset(i, this.count, renew, 0.5);
			this.tasks.remote(node::renewLease, leases, lease, lease.plus(renew), renew);
			this.tasks.local(node::relist, PhaseSpread.offset(i, this.count, relist, 0.25), relist);
			Duration gc = this.properties.containerGc().period();
			this.tasks.local(node::collectContainers, gc.plus(PhaseSpread.offset(i, this.count, gc, 0)), gc);
			i++;
		}
		// What a benchmark reads from the log: beats that found their previous call still
		// running mean the apiserver (or this host) falls behind.
		WorkQueue<String> queue = this.controller.queue();
		this.tasks.local(
				() -> log.info("hollow nodes nodes={} skippedBeats={} queueDepth={} waiting={}", this.count,
						this.tasks.skipped(), queue.length(), queue.waitingLength()),
				Duration.ofMinutes(1), Duration.ofMinutes(1));
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.controller != null) {
			this.controller.stop();
		}
		if (this.tasks != null) {
			this.tasks.close();
		}
		for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[] { this.pods, this.services }) {
			if (informer != null) {
				informer.stop();
			}
		}
		for (ExecutorService executor : new ExecutorService[] { this.probes, this.events }) {
			if (executor != null) {
				executor.shutdownNow();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** The names of the nodes this host runs, in order. */
	public List<String> nodeNames() {
		return List.copyOf(this.nodes.keySet());
	}

}
