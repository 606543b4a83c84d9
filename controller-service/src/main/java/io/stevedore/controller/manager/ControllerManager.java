package io.stevedore.controller.manager;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.client.leaderelection.LeaderElection;
import io.stevedore.client.leaderelection.LeaderElectionSettings;
import io.stevedore.client.rest.RestClient;
import io.stevedore.controller.api.ApiDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the enabled controllers while this replica holds the leader Lease (the
 * kube-controller-manager's main loop). Starting and stopping happen on one thread of
 * their own, in order, so leadership flapping never runs two sets at once and the
 * election's callbacks return at once.
 */
public class ControllerManager implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ControllerManager.class);

	private final KubernetesClient client;

	private final ControllerManagerProperties properties;

	private final List<ControllerFactory> factories;

	private final Clock clock;

	private final ExecutorService transitions = Executors
		.newSingleThreadExecutor(Thread.ofVirtual().name("controller-manager").factory());

	private final List<RunningController> running = new ArrayList<>();

	private LeaderElection election;

	/** The informers of the current leadership term, null while not leading. */
	private SharedInformers informers;

	private volatile boolean started;

	private final Supplier<SharedInformers> newInformers;

	public ControllerManager(KubernetesClient client, ControllerManagerProperties properties,
			List<ControllerFactory> factories, Clock clock) {
		this(client, properties, factories, clock, () -> new SharedInformers(client));
	}

	/** With the informers each leadership term gets (tests). */
	ControllerManager(KubernetesClient client, ControllerManagerProperties properties,
			List<ControllerFactory> factories, Clock clock, Supplier<SharedInformers> newInformers) {
		this.newInformers = newInformers;
		this.client = client;
		this.properties = properties;
		this.factories = factories;
		this.clock = clock;
	}

	@Override
	public void start() {
		this.started = true;
		ControllerManagerProperties.LeaderElection settings = this.properties.leaderElection();
		if (!settings.enabled()) {
			log.info("leader election disabled, starting controllers");
			transition(this::startControllers);
			return;
		}
		String identity = (settings.identity() == null || settings.identity().isBlank()) ? defaultIdentity()
				: settings.identity();
		this.election = new LeaderElection(this.client,
				new LeaderElectionSettings(settings.namespace(), settings.name(), identity, settings.leaseDuration(),
						settings.renewDeadline(), settings.retryPeriod()),
				() -> transition(this::startControllers), () -> transition(this::stopControllers));
		this.election.start();
	}

	@Override
	public void stop() {
		this.started = false;
		// Controllers first, the Lease after: a standby must not start while ours run.
		transition(this::stopControllers);
		this.transitions.shutdown();
		try {
			this.transitions.awaitTermination(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.election != null) {
			this.election.close();
		}
	}

	private void transition(Runnable change) {
		try {
			this.transitions.execute(change);
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: stop() already stopped the controllers.
		}
	}

	@Override
	public boolean isRunning() {
		return this.started;
	}

	/** Whether this replica currently runs the controllers. */
	public synchronized boolean isActive() {
		return !this.running.isEmpty();
	}

	private synchronized void startControllers() {
		if (!this.running.isEmpty() || !this.started) {
			return;
		}
		RestClient rest = new RestClient(this.client);
		ApiDiscovery discovery = new ApiDiscovery(this.client);
		this.informers = this.newInformers.get();
		for (ControllerFactory factory : this.factories) {
			if (!this.properties.isEnabled(factory.name())) {
				log.info("controller disabled controller={}", factory.name());
				continue;
			}
			try {
				int workers = this.properties.workers(factory);
				ControllerInformers view = new ControllerInformers(this.informers);
				RunningController controller = factory
					.start(new ControllerContext(this.client, rest, discovery, this.clock, workers, view));
				this.running.add(() -> {
					try {
						controller.stop();
					}
					finally {
						view.close();
					}
				});
			}
			catch (RuntimeException ex) {
				// One broken controller must not keep the others from running.
				log.error("controller failed to start controller={}", factory.name(), ex);
			}
		}
	}

	private synchronized void stopControllers() {
		for (RunningController controller : this.running) {
			try {
				controller.stop();
			}
			catch (RuntimeException ex) {
				log.warn("controller failed to stop cleanly error=\"{}\"", ex.toString());
			}
		}
		this.running.clear();
		// After the controllers: none of them reads a cache any more.
		if (this.informers != null) {
			this.informers.stopAll();
			this.informers = null;
		}
	}

	/** The shared informers of the current term (tests), null while not leading. */
	public synchronized SharedInformers informers() {
		return this.informers;
	}

	private static String defaultIdentity() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "controller-service";
		}
		return host + "_" + UUID.randomUUID();
	}

}
