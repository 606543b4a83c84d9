package io.stevedore.proxy;

import io.stevedore.testsupport.ActuatorEndpointsContract;

import org.springframework.test.context.TestPropertySource;

// The Service proxy would program this machine's iptables: not what this test is about.
@TestPropertySource(properties = "stevedore.proxy.enabled=false")
class ActuatorEndpointsTest extends ActuatorEndpointsContract {

	@Override
	protected String componentName() {
		return "proxy-service";
	}

}
