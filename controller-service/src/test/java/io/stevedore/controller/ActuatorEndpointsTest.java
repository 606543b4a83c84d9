package io.stevedore.controller;

import io.stevedore.testsupport.ActuatorEndpointsContract;

import org.springframework.test.context.TestPropertySource;

// No apiserver here: no controllers, and no Lease to compete for.
@TestPropertySource(properties = { "stevedore.controllers.enabled=-garbagecollector,-namespace",
		"stevedore.controllers.leader-election.enabled=false" })
class ActuatorEndpointsTest extends ActuatorEndpointsContract {

	@Override
	protected String componentName() {
		return "controller-service";
	}

}
