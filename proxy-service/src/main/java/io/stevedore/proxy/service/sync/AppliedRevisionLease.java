package io.stevedore.proxy.service.sync;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what this proxy has put into its data plane, for the node agents' zero
 * downtime protocol (see proxy-service/README.md): the Lease
 * {@code kube-node-lease/stevedore-proxy-<node>} carries the annotation
 * {@value #ANNOTATION}, the highest EndpointSlice resourceVersion whose state is now
 * applied, and is renewed every few seconds so a dead proxy's Lease expires. Writes are
 * debounced: at most one per {@code minWriteInterval}, the latest revision wins.
 */
public final class AppliedRevisionLease implements AutoCloseable {

	public static final String NAMESPACE = "kube-node-lease";

	public static final String ANNOTATION = "proxy.stevedore.io/applied-resource-version";

	public static final String NAME_PREFIX = "stevedore-proxy-";

	private static final Logger log = LoggerFactory.getLogger(AppliedRevisionLease.class);

	private static final Duration DELETE_TIMEOUT = Duration.ofSeconds(2);

	private final KubernetesClient client;

	private final String name;

	private final String identity;

	private final Duration renewInterval;

	private final Duration leaseDuration;

	private final Duration minWriteInterval;

	private final Object lock = new Object();

	private long wanted = -1;

	private long written = -1;

	private long lastWrite;

	private boolean closed;

	private Thread thread;

	public AppliedRevisionLease(KubernetesClient client, String nodeName, Duration renewInterval,
			Duration leaseDuration, Duration minWriteInterval) {
		this.client = client;
		this.name = NAME_PREFIX + nodeName;
		this.identity = nodeName + "_" + UUID.randomUUID().toString().substring(0, 8);
		this.renewInterval = renewInterval;
		this.leaseDuration = leaseDuration;
		this.minWriteInterval = minWriteInterval;
	}

	public String name() {
		return this.name;
	}

	public void start() {
		this.thread = Thread.ofVirtual().name("proxy-lease").start(this::loop);
	}

	/** Records that the data plane now holds the state of {@code revision}. */
	public void applied(long revision) {
		synchronized (this.lock) {
			if (revision > this.wanted) {
				this.wanted = revision;
				this.lock.notifyAll();
			}
		}
	}

	private void loop() {
		while (true) {
			long revision;
			synchronized (this.lock) {
				while (!this.closed) {
					long now = System.nanoTime();
					long sinceWrite = now - this.lastWrite;
					boolean renewDue = this.lastWrite == 0 || sinceWrite >= this.renewInterval.toNanos();
					boolean changed = this.wanted != this.written && sinceWrite >= this.minWriteInterval.toNanos();
					if (this.wanted >= 0 && (renewDue || changed)) {
						break;
					}
					long waitNanos = (this.wanted != this.written) ? this.minWriteInterval.toNanos() - sinceWrite
							: this.renewInterval.toNanos() - sinceWrite;
					try {
						this.lock.wait(Math.max(1, waitNanos / 1_000_000));
					}
					catch (InterruptedException ex) {
						return;
					}
				}
				if (this.closed) {
					return;
				}
				revision = this.wanted;
				this.lastWrite = System.nanoTime();
			}
			try {
				write(revision);
				synchronized (this.lock) {
					this.written = revision;
				}
			}
			catch (RuntimeException ex) {
				log.warn("cannot write Lease {}/{}: {}", NAMESPACE, this.name, ex.getMessage());
			}
		}
	}

	private void write(long revision) {
		ZonedDateTime now = ZonedDateTime.now(java.time.ZoneOffset.UTC);
		var leases = this.client.leases().inNamespace(NAMESPACE);
		Lease current = leases.withName(this.name).get();
		if (current == null) {
			Map<String, String> annotations = Map.of(ANNOTATION, Long.toString(revision));
			leases
				.resource(new LeaseBuilder()
					.withMetadata(new ObjectMetaBuilder().withName(this.name).withAnnotations(annotations).build())
					.withNewSpec()
					.withHolderIdentity(this.identity)
					.withLeaseDurationSeconds((int) this.leaseDuration.toSeconds())
					.withAcquireTime(now)
					.withRenewTime(now)
					.endSpec()
					.build())
				.create();
			return;
		}
		Map<String, String> annotations = new HashMap<>();
		if (current.getMetadata().getAnnotations() != null) {
			annotations.putAll(current.getMetadata().getAnnotations());
		}
		annotations.put(ANNOTATION, Long.toString(revision));
		current.getMetadata().setAnnotations(annotations);
		if (!this.identity.equals(current.getSpec().getHolderIdentity())) {
			current.getSpec().setAcquireTime(now);
			current.getSpec().setHolderIdentity(this.identity);
		}
		current.getSpec().setLeaseDurationSeconds((int) this.leaseDuration.toSeconds());
		current.getSpec().setRenewTime(now);
		leases.resource(current).update();
	}

	/** Stops renewing and deletes the Lease: node agents stop waiting for this proxy. */
	@Override
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
			this.lock.notifyAll();
		}
		if (this.thread != null) {
			try {
				this.thread.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		// fabric8 retries a refused request with back-off for up to ~100 s: on shutdown
		// the Lease is only a courtesy (it expires anyway), so give it 2 s.
		CompletableFuture<Void> delete = CompletableFuture.runAsync(
				() -> this.client.leases().inNamespace(NAMESPACE).withName(this.name).delete(),
				Thread.ofVirtual()::start);
		try {
			delete.get(DELETE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			log.debug("cannot delete Lease {}: {}", this.name, ex.toString());
		}
	}

}
