package io.stevedore.gateway;

import io.stevedore.testsupport.ActuatorEndpointsContract;

class ActuatorEndpointsTest extends ActuatorEndpointsContract {

	@Override
	protected String componentName() {
		return "api-gateway";
	}

}
