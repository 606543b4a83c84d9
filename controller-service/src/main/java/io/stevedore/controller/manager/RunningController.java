package io.stevedore.controller.manager;

/** A started controller: stopping ends its workers and closes its informers. */
@FunctionalInterface
public interface RunningController {

	void stop();

}
