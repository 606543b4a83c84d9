package io.stevedore.scheduler.core;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.stevedore.scheduler.cache.SchedulerCache;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.Framework;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;
import io.stevedore.scheduler.queue.QueuedPodInfo;
import io.stevedore.scheduler.queue.SchedulingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling loop, Kubernetes' {@code scheduleOne}: one thread takes a pod from the
 * queue, finds a node against a fresh snapshot, assumes the pod there and runs Reserve;
 * the bind then runs on its own virtual thread, so the next pod's cycle starts while the
 * API call is in flight.
 *
 * <pre>
 * queue.pop ─▶ snapshot ─▶ algorithm (filter, score) ─▶ assume + Reserve ─▶ [async] Bind ─▶ Scheduled
 *                               │ no node                                       │ fails
 *                               ▼                                               ▼
 *                 FailedScheduling, back to queue          forget + Unreserve, back to queue (backoff)
 * </pre>
 *
 * Threading: {@link #run} on one scheduling thread; binds on virtual threads; the
 * informer threads only touch the queue and the cache.
 */
public final class Scheduler {

	private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

	private final Map<String, Framework> profiles;

	private final SchedulingQueue queue;

	private final SchedulerCache cache;

	private final SchedulingAlgorithm algorithm;

	private final SchedulingOutcomes outcomes;

	private final SchedulerMetrics metrics;

	private final Clock clock;

	private final BooleanSupplier mayBind;

	private final Function<String, Pod> livePod;

	private final NodeSnapshot snapshot = new NodeSnapshot();

	/**
	 * Binds waiting for their API answer at most. Each one in flight holds an HTTP/1.1
	 * connection of the client's pool: unbounded, a backlog of assumed pods (a scheduler
	 * starting on 50,000 pending pods) opened a new connection every few binds, thousands
	 * in all, and the apiserver paid a connection's setup (socket buffers, a request
	 * processor registered in JMX) for every few pods. kube-scheduler is bounded the same
	 * way by its client's rate limiter and HTTP/2 stream limit. The rest wait on their
	 * virtual threads, in order.
	 */
	static final int MAX_BINDS_IN_FLIGHT = 64;

	private final ExecutorService binders = Executors.newVirtualThreadPerTaskExecutor();

	private final Semaphore bindsInFlight = new Semaphore(MAX_BINDS_IN_FLIGHT, true);

	private ScheduledExecutorService flushers;

	private volatile Thread loop;

	private volatile boolean stopped;

	/**
	 * @param mayBind checked right before each bind: a replica that lost the Lease must
	 * not bind what it scheduled while it still led
	 * @param livePod the informer's current copy of a pod by namespace/name, null when
	 * gone
	 */
	public Scheduler(Map<String, Framework> profiles, SchedulingQueue queue, SchedulerCache cache,
			SchedulingAlgorithm algorithm, SchedulingOutcomes outcomes, SchedulerMetrics metrics, Clock clock,
			BooleanSupplier mayBind, Function<String, Pod> livePod) {
		this.profiles = profiles;
		this.queue = queue;
		this.cache = cache;
		this.algorithm = algorithm;
		this.outcomes = outcomes;
		this.metrics = metrics;
		this.clock = clock;
		this.mayBind = mayBind;
		this.livePod = livePod;
		metrics.watch(queue);
	}

	public NodeSnapshot snapshot() {
		return this.snapshot;
	}

	/**
	 * Starts the loop thread and the queue's flushes (back-off every second, leftovers
	 * every 30 s).
	 */
	public synchronized void start() {
		this.flushers = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("scheduler-flush").daemon().factory());
		this.flushers.scheduleWithFixedDelay(this.queue::flushBackoffCompleted, 1, 1, TimeUnit.SECONDS);
		this.flushers.scheduleWithFixedDelay(this.queue::flushUnschedulableLeftover, 30, 30, TimeUnit.SECONDS);
		this.loop = Thread.ofPlatform().name("scheduler-loop").daemon().start(this::run);
	}

	/** Stops scheduling; binds in flight finish or fail on their own. */
	public synchronized void stop() {
		this.stopped = true;
		this.queue.close();
		if (this.flushers != null) {
			this.flushers.shutdownNow();
		}
		if (this.loop != null) {
			this.loop.interrupt();
			try {
				this.loop.join(Duration.ofSeconds(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.binders.shutdown();
		try {
			// Binds in flight finish (or see they may not bind) before the client closes.
			this.binders.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		while (!this.stopped) {
			try {
				QueuedPodInfo next = this.queue.pop(Duration.ofSeconds(1));
				if (next != null) {
					scheduleOne(next);
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				// One bad pod must not stop the queue for everyone else.
				log.error("scheduling cycle failed", ex);
			}
		}
	}

	/** One scheduling cycle; public for tests that drive the loop step by step. */
	public void scheduleOne(QueuedPodInfo queued) {
		PodInfo pod = queued.pod();
		long cycle = this.queue.schedulingCycle();
		Framework framework = this.profiles.get(schedulerName(pod.pod()));
		if (framework == null) {
			this.queue.done(pod.key());
			return;
		}
		this.cache.updateSnapshot(this.snapshot);
		CycleState state = new CycleState();
		ScheduleResult result;
		long started = System.nanoTime();
		try {
			result = this.algorithm.schedule(framework, state, pod, this.snapshot);
			this.metrics.attemptDuration(Duration.ofNanos(System.nanoTime() - started),
					result.nodeName() == null ? SchedulerMetrics.UNSCHEDULABLE : SchedulerMetrics.SCHEDULED,
					framework.profileName());
		}
		catch (RuntimeException ex) {
			log.error("scheduling failed ns={} name={}", pod.namespace(), pod.pod().getMetadata().getName(), ex);
			failed(queued, framework, cycle, "SchedulerError", "scheduler error: " + ex.getMessage(), true);
			return;
		}
		if (result.nodeName() == null) {
			if (framework.hasPostFilter() && result.fitError().numAllNodes() > 0) {
				framework.runPostFilter(state, pod, this.snapshot, result.fitError().rejections());
			}
			failed(queued, framework, cycle, "Unschedulable", result.fitError().message(), false);
			return;
		}
		String nodeName = result.nodeName();
		PodInfo assumed = PodInfo.of(withNodeName(pod.pod(), nodeName), pod.priority());
		try {
			this.cache.assume(assumed, nodeName);
		}
		catch (IllegalStateException ex) {
			failed(queued, framework, cycle, "SchedulerError", ex.getMessage(), true);
			return;
		}
		Status reserve = framework.runReserve(state, assumed, nodeName);
		if (!reserve.isSuccess()) {
			framework.runUnreserve(state, assumed, nodeName);
			this.cache.forget(assumed);
			failed(queued, framework, cycle, "SchedulerError", reserve.message(), true);
			return;
		}
		this.binders.execute(() -> bindingCycle(queued, framework, state, assumed, nodeName, cycle));
	}

	private void bindingCycle(QueuedPodInfo queued, Framework framework, CycleState state, PodInfo assumed,
			String nodeName, long cycle) {
		Status status;
		if (!this.mayBind.getAsBoolean()) {
			status = Status.error("not the leader any more");
		}
		else if (nodeGone(nodeName)) {
			// Deleted between filter and bind: binding would strand the pod on a ghost.
			status = Status.unschedulable("node " + nodeName + " was deleted before the pod was bound");
		}
		else {
			status = bind(framework, state, assumed, nodeName);
		}
		if (status.isSuccess()) {
			this.queue.done(assumed.key());
			this.metrics.attempt(SchedulerMetrics.SCHEDULED, framework.profileName());
			this.metrics.e2eLatency(Duration.between(queued.initialAttempt(), this.clock.instant()),
					framework.profileName());
			this.outcomes.scheduled(queued.pod().pod(), nodeName, framework.profileName());
			log.debug("bound ns={} name={} node={}", assumed.namespace(), assumed.pod().getMetadata().getName(),
					nodeName);
			return;
		}
		framework.runUnreserve(state, assumed, nodeName);
		this.cache.forget(assumed);
		if (this.stopped || !this.mayBind.getAsBoolean()) {
			return;
		}
		// The room it held is free again: others may fit now.
		this.queue.moveAllToActiveOrBackoff();
		failed(queued, framework, cycle, "SchedulerError", "Binding rejected: " + status.message(), true);
	}

	/**
	 * The pod as assumed on {@code nodeName}: a new spec, the informer's metadata and
	 * status shared (read only, as every informer object). A PodBuilder copy of the whole
	 * pod (managedFields, status) was the largest allocation of the loop, ~37 KB a pod.
	 */
	static Pod withNodeName(Pod pod, String nodeName) {
		Pod assumed = new Pod();
		assumed.setApiVersion(pod.getApiVersion());
		assumed.setKind(pod.getKind());
		assumed.setMetadata(pod.getMetadata());
		assumed.setSpec(new PodSpecBuilder(pod.getSpec()).withNodeName(nodeName).build());
		assumed.setStatus(pod.getStatus());
		return assumed;
	}

	private Status bind(Framework framework, CycleState state, PodInfo assumed, String nodeName) {
		try {
			this.bindsInFlight.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Status.error("bind interrupted");
		}
		try {
			return framework.runBind(state, assumed, nodeName);
		}
		catch (RuntimeException ex) {
			return Status.error("bind failed: " + ex);
		}
		finally {
			this.bindsInFlight.release();
		}
	}

	private boolean nodeGone(String nodeName) {
		NodeInfo node = this.cache.node(nodeName);
		return node == null || node.node() == null;
	}

	private void failed(QueuedPodInfo queued, Framework framework, long cycle, String reason, String message,
			boolean error) {
		this.metrics.attempt(error ? SchedulerMetrics.ERROR : SchedulerMetrics.UNSCHEDULABLE, framework.profileName());
		Pod live = this.livePod.apply(queued.pod().key());
		if (live == null || (live.getSpec().getNodeName() != null && !live.getSpec().getNodeName().isEmpty())) {
			// Deleted or bound meanwhile: nothing to retry, nobody to tell.
			this.queue.delete(queued.pod().key());
			return;
		}
		log.debug("unschedulable ns={} name={} message=\"{}\"", queued.pod().namespace(),
				queued.pod().pod().getMetadata().getName(), message);
		this.queue.addUnschedulable(queued, cycle, error);
		this.outcomes.failed(live, "SchedulerError".equals(reason) ? "SchedulerError" : "Unschedulable", message,
				framework.profileName());
	}

	static String schedulerName(Pod pod) {
		String name = pod.getSpec().getSchedulerName();
		return name == null || name.isEmpty() ? "default-scheduler" : name;
	}

}
