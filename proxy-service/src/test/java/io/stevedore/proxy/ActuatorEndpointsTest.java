package io.stevedore.proxy;

import io.stevedore.testsupport.ActuatorEndpointsContract;

class ActuatorEndpointsTest extends ActuatorEndpointsContract {

	@Override
	protected String componentName() {
		return "proxy-service";
	}

}
