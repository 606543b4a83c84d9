package io.stevedore.controller.manager;

/**
 * One controller the manager can run (a Spring bean per controller). {@link #start} is
 * called each time this replica becomes leader, with fresh informers and queues; the
 * returned handle stops everything it started.
 */
public interface ControllerFactory {

	/**
	 * The name in {@code stevedore.controllers.enabled}, e.g. {@code garbagecollector}.
	 */
	String name();

	/** Workers unless {@code stevedore.controllers.workers.<name>} says otherwise. */
	int defaultWorkers();

	/** Starts informers and workers without waiting for the caches to sync. */
	RunningController start(ControllerContext context);

}
