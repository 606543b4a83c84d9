package io.stevedore.scheduler.manager;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.leaderelection.LeaderElection;
import io.stevedore.client.leaderelection.LeaderElectionSettings;
import io.stevedore.scheduler.cache.SchedulerCache;
import io.stevedore.scheduler.config.SchedulerProperties;
import io.stevedore.scheduler.core.ClusterEventHandlers;
import io.stevedore.scheduler.core.Scheduler;
import io.stevedore.scheduler.core.SchedulerMetrics;
import io.stevedore.scheduler.core.SchedulingAlgorithm;
import io.stevedore.scheduler.core.SchedulingOutcomes;
import io.stevedore.scheduler.framework.Framework;
import io.stevedore.scheduler.framework.Handle;
import io.stevedore.scheduler.framework.Registry;
import io.stevedore.scheduler.queue.SchedulingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the scheduler only while this replica holds the Lease
 * {@code kube-system/kube-scheduler}. Each term of leadership starts from scratch: new
 * informers, cache, queue and loop, as a restarted kube-scheduler would, so nothing a
 * previous term assumed leaks into this one. Losing the Lease stops the loop, and binds
 * still in flight check leadership before they write.
 */
public final class SchedulerManager implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(SchedulerManager.class);

	private final KubernetesClient client;

	private final SchedulerProperties properties;

	private final Registry registry;

	private final SchedulingOutcomes outcomes;

	private final SchedulerMetrics metrics;

	private final Clock clock;

	private final Map<String, Framework> profiles;

	private LeaderElection election;

	private Term term;

	private volatile boolean running;

	public SchedulerManager(KubernetesClient client, SchedulerProperties properties, Registry registry,
			SchedulingOutcomes outcomes, SchedulerMetrics metrics, Clock clock) {
		this.client = client;
		this.properties = properties;
		this.registry = registry;
		this.outcomes = outcomes;
		this.metrics = metrics;
		this.clock = clock;
		// Built at startup so a bad profile fails the process, naming the setting.
		this.profiles = profiles();
	}

	private Map<String, Framework> profiles() {
		Map<String, Framework> result = new LinkedHashMap<>();
		for (SchedulerProperties.Profile profile : this.properties.profiles()) {
			if (result.containsKey(profile.schedulerName())) {
				throw new IllegalArgumentException(
						"stevedore.scheduler.profiles: duplicate scheduler-name " + profile.schedulerName());
			}
			result.put(profile.schedulerName(), new Framework(profile.schedulerName(), this.registry, profile.plugins(),
					new Handle(this.client, this.clock, Map.of()), profile.pluginArgs()));
		}
		return result;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		SchedulerProperties.LeaderElection settings = this.properties.leaderElection();
		if (!settings.enabled()) {
			startLeading();
			return;
		}
		this.election = new LeaderElection(this.client,
				new LeaderElectionSettings(settings.namespace(), settings.name(), identity(settings.identity()),
						settings.leaseDuration(), settings.renewDeadline(), settings.retryPeriod()),
				this::startLeading, this::stopLeading);
		this.election.start();
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.election != null) {
			this.election.close();
		}
		stopLeading();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Whether this replica is scheduling now. */
	public synchronized boolean isActive() {
		return this.term != null;
	}

	/** The current term's scheduler, for tests; null when not leading. */
	public synchronized Scheduler scheduler() {
		return this.term == null ? null : this.term.scheduler;
	}

	private boolean leading() {
		return this.running && (this.election == null || this.election.isLeader());
	}

	private synchronized void startLeading() {
		if (this.term != null) {
			return;
		}
		this.term = new Term();
		log.info("scheduler started profiles={}", this.profiles.keySet());
	}

	private synchronized void stopLeading() {
		if (this.term != null) {
			this.term.close();
			this.term = null;
			// The plugins' own informers (budgets, volumes) end with the term's; the
			// next term reopens them on first use.
			this.profiles.values().forEach(Framework::close);
			log.info("scheduler stopped");
		}
	}

	private static String identity(String configured) {
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		try {
			return InetAddress.getLocalHost().getHostName() + "_" + UUID.randomUUID();
		}
		catch (UnknownHostException ex) {
			return "scheduler_" + UUID.randomUUID();
		}
	}

	/** One term of leadership: informers, cache, queue, loop. */
	private final class Term implements AutoCloseable {

		private final SharedIndexInformer<Pod> pods;

		private final SharedIndexInformer<Node> nodes;

		private final SharedIndexInformer<Namespace> namespaces;

		private final SharedIndexInformer<PriorityClass> priorityClasses;

		private final Scheduler scheduler;

		Term() {
			SchedulerProperties properties = SchedulerManager.this.properties;
			SchedulingQueue queue = new SchedulingQueue(SchedulerManager.this.clock,
					properties.podMaxInUnschedulablePods());
			SchedulerCache cache = new SchedulerCache();
			KubernetesClient client = SchedulerManager.this.client;
			this.priorityClasses = client.scheduling().v1().priorityClasses().runnableInformer(0);
			ClusterEventHandlers handlers = new ClusterEventHandlers(queue, cache,
					SchedulerManager.this.profiles.keySet(), this::classPriority);
			this.namespaces = client.namespaces().runnableInformer(0);
			this.nodes = client.nodes().runnableInformer(0);
			this.nodes.addEventHandler(handlers.nodes());
			this.pods = client.pods().inAnyNamespace().runnableInformer(0);
			this.pods.addEventHandler(handlers.pods());
			this.priorityClasses.addEventHandler(handlers.priorityClasses(() -> this.pods.getStore().list()));
			this.scheduler = new Scheduler(SchedulerManager.this.profiles, queue, cache,
					new SchedulingAlgorithm(properties.percentageOfNodesToScore(),
							new SplittableRandom(properties.seed())),
					SchedulerManager.this.outcomes, SchedulerManager.this.metrics, SchedulerManager.this.clock,
					SchedulerManager.this::leading, (key) -> this.pods.getStore().getByKey(key));
			this.scheduler.snapshot().setNamespaceLabels((name) -> {
				Namespace namespace = this.namespaces.getStore().getByKey(name);
				return namespace == null ? null : namespace.getMetadata().getLabels();
			});
			// Nodes first, so the first pods are not found unschedulable against an
			// empty cache.
			for (SharedIndexInformer<?> informer : List.of(this.priorityClasses, this.namespaces, this.nodes,
					this.pods)) {
				try {
					informer.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					log.warn("informer did not sync within 60s error=\"{}\"", ex.toString());
				}
			}
			this.scheduler.start();
		}

		/**
		 * Kubernetes' Priority admission, for a cluster without it: the class's value or
		 * the global default's.
		 */
		private Integer classPriority(Pod pod) {
			String name = pod.getSpec().getPriorityClassName();
			if (name != null && !name.isEmpty()) {
				PriorityClass priorityClass = this.priorityClasses.getStore().getByKey(name);
				return priorityClass == null ? null : priorityClass.getValue();
			}
			for (PriorityClass priorityClass : this.priorityClasses.getStore().list()) {
				if (Boolean.TRUE.equals(priorityClass.getGlobalDefault())) {
					return priorityClass.getValue();
				}
			}
			return null;
		}

		@Override
		public void close() {
			this.scheduler.stop();
			this.priorityClasses.close();
			this.pods.close();
			this.nodes.close();
			this.namespaces.close();
		}

	}

}
