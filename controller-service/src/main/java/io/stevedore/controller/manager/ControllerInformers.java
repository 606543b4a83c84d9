package io.stevedore.controller.manager;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * One controller's view of the {@link SharedInformers}: it remembers the handlers the
 * controller added so that stopping the controller removes them (the shared informer
 * keeps running for the others), and lists the informers it reads for its readiness
 * check.
 */
public final class ControllerInformers {

	private record Registration<T extends HasMetadata>(SharedIndexInformer<T> informer,
			ResourceEventHandler<? super T> handler) {

		void remove() {
			this.informer.removeEventHandler(this.handler);
		}

	}

	private final SharedInformers shared;

	private final List<Registration<?>> registrations = new ArrayList<>();

	private final List<SharedIndexInformer<?>> used = new ArrayList<>();

	public ControllerInformers(SharedInformers shared) {
		this.shared = shared;
	}

	/** The shared informer of the type, to read its cache. */
	public synchronized <T extends HasMetadata> SharedIndexInformer<T> informer(Class<T> type) {
		SharedIndexInformer<T> informer = this.shared.informer(type);
		if (!this.used.contains(informer)) {
			this.used.add(informer);
		}
		return informer;
	}

	/**
	 * The shared informer of the type with the handler added (removed on {@link #close}).
	 */
	public synchronized <T extends HasMetadata> SharedIndexInformer<T> watch(Class<T> type,
			ResourceEventHandler<? super T> handler) {
		SharedIndexInformer<T> informer = informer(type);
		handle(informer, handler);
		return informer;
	}

	/**
	 * Adds the handler to an informer this view handed out, to be removed on
	 * {@link #close}.
	 */
	public synchronized <T extends HasMetadata> void handle(SharedIndexInformer<T> informer,
			ResourceEventHandler<? super T> handler) {
		informer.addEventHandler(handler);
		this.registrations.add(new Registration<>(informer, handler));
	}

	/** Whether every informer this controller asked for has listed its resource. */
	public synchronized boolean hasSynced() {
		return this.used.stream().allMatch(SharedIndexInformer::hasSynced);
	}

	/** Removes this controller's handlers; the informers keep running. */
	public synchronized void close() {
		this.registrations.forEach(Registration::remove);
		this.registrations.clear();
	}

}
