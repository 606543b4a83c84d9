package io.stevedore.nodeagent;

import io.stevedore.testsupport.ActuatorEndpointsContract;

import org.springframework.test.context.TestPropertySource;

// No Docker engine and no apiserver here: only the web endpoints run.
@TestPropertySource(properties = "stevedore.node.enabled=false")
class ActuatorEndpointsTest extends ActuatorEndpointsContract {

	@Override
	protected String componentName() {
		return "node-agent";
	}

}
