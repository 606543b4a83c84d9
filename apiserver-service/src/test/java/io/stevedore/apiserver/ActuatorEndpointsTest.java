package io.stevedore.apiserver;

import io.stevedore.testsupport.ActuatorEndpointsContract;

import org.springframework.test.context.TestPropertySource;

// Never the user's ~/.stevedore: a running local cluster holds that directory's lock.
@TestPropertySource(properties = "stevedore.storage.embedded-dir=${java.io.tmpdir}/stevedore-actuator-${random.uuid}")
class ActuatorEndpointsTest extends ActuatorEndpointsContract {

	@Override
	protected String componentName() {
		return "apiserver-service";
	}

}
