package io.stevedore.apiserver;

import io.stevedore.testsupport.ActuatorEndpointsContract;

class ActuatorEndpointsTest extends ActuatorEndpointsContract {

	@Override
	protected String componentName() {
		return "apiserver-service";
	}

}
