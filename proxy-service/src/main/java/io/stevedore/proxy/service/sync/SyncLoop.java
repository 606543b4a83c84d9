package io.stevedore.proxy.service.sync;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that syncs whenever it is {@link #trigger triggered}, at most once per
 * {@code minInterval} (a burst of changes is one sync) and at least once per
 * {@code period}; never before {@code ready} (informer caches synced: programming an
 * empty cache would wipe the node's rules); after a failed sync it waits a little and
 * tries again. Shared by the Service proxy and the NetworkPolicy enforcer.
 */
public final class SyncLoop implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(SyncLoop.class);

	private final String name;

	private final Duration minInterval;

	private final Duration period;

	private final BooleanSupplier ready;

	private final BooleanSupplier sync;

	private final Runnable onFailure;

	private final Object signal = new Object();

	private boolean dirty = true;

	private volatile boolean closed;

	private Thread thread;

	/**
	 * @param sync one sync, true when it worked
	 * @param onFailure called after each failed or throwing sync (metrics)
	 */
	public SyncLoop(String name, Duration minInterval, Duration period, BooleanSupplier ready, BooleanSupplier sync,
			Runnable onFailure) {
		this.name = name;
		this.minInterval = minInterval;
		this.period = period;
		this.ready = ready;
		this.sync = sync;
		this.onFailure = onFailure;
	}

	/** Registers {@code handler} and starts the informer. */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static <T extends HasMetadata> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer,
			ResourceEventHandler handler) {
		informer.addEventHandler(handler);
		informer.start();
		return informer;
	}

	public void start() {
		this.thread = Thread.ofPlatform().name(this.name).daemon().start(this::run);
	}

	/** Asks for a sync (after at most {@code minInterval}). */
	public void trigger() {
		synchronized (this.signal) {
			this.dirty = true;
			this.signal.notifyAll();
		}
	}

	private void run() {
		long lastSync = 0;
		while (!this.closed) {
			try {
				synchronized (this.signal) {
					long deadline = System.nanoTime() + this.period.toNanos();
					while (!this.dirty && !this.closed && System.nanoTime() < deadline) {
						this.signal.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
					}
					this.dirty = false;
				}
				long wait = this.minInterval.toNanos() - (System.nanoTime() - lastSync);
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				if (this.closed) {
					return;
				}
				if (!this.ready.getAsBoolean()) {
					synchronized (this.signal) {
						this.dirty = true;
					}
					Thread.sleep(100);
					continue;
				}
				lastSync = System.nanoTime();
				if (!this.sync.getAsBoolean()) {
					this.onFailure.run();
					Thread.sleep(Math.min(5000, Math.max(500, this.minInterval.toMillis() * 10)));
					trigger();
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("{} failed", this.name, ex);
				this.onFailure.run();
				trigger();
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		synchronized (this.signal) {
			this.signal.notifyAll();
		}
		if (this.thread != null) {
			this.thread.interrupt();
			try {
				this.thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
