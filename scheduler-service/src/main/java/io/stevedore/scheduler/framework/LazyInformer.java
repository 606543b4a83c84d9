package io.stevedore.scheduler.framework;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An informer a plugin starts on first use (and waits for its initial list, bounded), so
 * a cluster that never needs it keeps no watch open for it. {@link #close} stops it with
 * the plugin's framework; a later {@link #get} (the next term of leadership) starts a
 * fresh one, as a restarted kube-scheduler would.
 */
public final class LazyInformer<T> implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LazyInformer.class);

	private final String what;

	private final Supplier<SharedIndexInformer<T>> create;

	private volatile SharedIndexInformer<T> informer;

	/**
	 * @param what the resource, for the log line when the initial list is late
	 */
	public LazyInformer(String what, Supplier<SharedIndexInformer<T>> create) {
		this.what = what;
		this.create = create;
	}

	public SharedIndexInformer<T> get() {
		SharedIndexInformer<T> current = this.informer;
		if (current != null) {
			return current;
		}
		synchronized (this) {
			if (this.informer == null) {
				SharedIndexInformer<T> started = this.create.get();
				try {
					started.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					// The caller's fallback (a GET, or an empty list) answers while it
					// fills.
					log.warn("{} informer did not sync within 10s error=\"{}\"", this.what, ex.toString());
				}
				this.informer = started;
			}
			return this.informer;
		}
	}

	/** Whether an informer is open now. */
	public boolean isStarted() {
		return this.informer != null;
	}

	/** Stops the informer, if one was started; its watch ends. */
	@Override
	public synchronized void close() {
		SharedIndexInformer<T> current = this.informer;
		this.informer = null;
		if (current != null) {
			current.close();
		}
	}

}
