package io.stevedore.nodeagent;

import io.stevedore.testsupport.ActuatorEndpointsContract;

class ActuatorEndpointsTest extends ActuatorEndpointsContract {

	@Override
	protected String componentName() {
		return "node-agent";
	}

}
