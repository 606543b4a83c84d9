package io.stevedore.gateway;

import io.stevedore.testsupport.ActuatorEndpointsContract;

import org.springframework.test.context.TestPropertySource;

/**
 * The Actuator contract over plain HTTP (the contract's client does not speak TLS); no
 * apiserver runs, so the RBAC bootstrap is off.
 */
@TestPropertySource(
		properties = { "stevedore.gateway.tls.enabled=false", "stevedore.gateway.state-dir=target/actuator-test-pki",
				"stevedore.gateway.rbac.bootstrap=false", "stevedore.gateway.upstreams=http://127.0.0.1:9" })
class ActuatorEndpointsTest extends ActuatorEndpointsContract {

	@Override
	protected String componentName() {
		return "api-gateway";
	}

}
