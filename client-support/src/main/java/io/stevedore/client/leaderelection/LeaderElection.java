package io.stevedore.client.leaderelection;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a Lease with fabric8's {@code LeaderElector} (a port of client-go's
 * {@code leaderelection}), so only one of several replicas runs its controllers. A
 * replica that loses the lease calls {@code onStoppedLeading} and then competes again:
 * kube-controller-manager exits instead, but a restarted process would do the same and
 * this keeps the service's other endpoints up.
 * <p>
 * Threading: the callbacks run on fabric8's executor, one at a time; they must return
 * quickly (start or stop controllers, never wait for them to finish work).
 */
public final class LeaderElection implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

	private final KubernetesClient client;

	private final LeaderElectionSettings settings;

	private final Runnable onStartedLeading;

	private final Runnable onStoppedLeading;

	private volatile boolean leader;

	private volatile boolean closed;

	private volatile CompletableFuture<?> running;

	private Thread loop;

	public LeaderElection(KubernetesClient client, LeaderElectionSettings settings, Runnable onStartedLeading,
			Runnable onStoppedLeading) {
		this.client = client;
		this.settings = settings;
		this.onStartedLeading = onStartedLeading;
		this.onStoppedLeading = onStoppedLeading;
	}

	public synchronized void start() {
		if (this.loop != null) {
			throw new IllegalStateException("leader election already started");
		}
		this.loop = Thread.ofVirtual().name("leader-election-" + this.settings.name()).start(this::campaign);
	}

	public boolean isLeader() {
		return this.leader;
	}

	public LeaderElectionSettings settings() {
		return this.settings;
	}

	/** Stops competing; a leader releases the Lease so a standby takes over at once. */
	@Override
	public void close() {
		this.closed = true;
		CompletableFuture<?> current = this.running;
		if (current != null) {
			current.cancel(true);
		}
		Thread thread;
		synchronized (this) {
			thread = this.loop;
		}
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(java.time.Duration.ofSeconds(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void campaign() {
		while (!this.closed) {
			CompletableFuture<?> election = this.client.leaderElector()
				.withConfig(new LeaderElectionConfigBuilder().withName(this.settings.name())
					.withLock(new LeaseLock(this.settings.namespace(), this.settings.name(), this.settings.identity()))
					.withLeaseDuration(this.settings.leaseDuration())
					.withRenewDeadline(this.settings.renewDeadline())
					.withRetryPeriod(this.settings.retryPeriod())
					.withReleaseOnCancel(true)
					.withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
							(holder) -> log.info("leader observed lease={}/{} holder={}", this.settings.namespace(),
									this.settings.name(), holder)))
					.build())
				.build()
				.start();
			this.running = election;
			if (this.closed) {
				election.cancel(true);
			}
			try {
				election.join();
			}
			catch (CancellationException | CompletionException ex) {
				if (!this.closed) {
					log.warn("leader election ended lease={}/{} error=\"{}\"", this.settings.namespace(),
							this.settings.name(), ex.toString());
				}
			}
			if (!this.closed) {
				// Give the API a moment before competing again after an error.
				try {
					Thread.sleep(this.settings.retryPeriod());
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}
	}

	private void startedLeading() {
		this.leader = true;
		log.info("became leader lease={}/{} identity={}", this.settings.namespace(), this.settings.name(),
				this.settings.identity());
		this.onStartedLeading.run();
	}

	private void stoppedLeading() {
		if (!this.leader) {
			return;
		}
		this.leader = false;
		log.info("stopped leading lease={}/{} identity={}", this.settings.namespace(), this.settings.name(),
				this.settings.identity());
		this.onStoppedLeading.run();
	}

}
