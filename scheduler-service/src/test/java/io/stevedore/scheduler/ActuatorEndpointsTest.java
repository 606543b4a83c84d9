package io.stevedore.scheduler;

import io.stevedore.testsupport.ActuatorEndpointsContract;

class ActuatorEndpointsTest extends ActuatorEndpointsContract {

	@Override
	protected String componentName() {
		return "scheduler-service";
	}

}
