package io.stevedore.machinery.validation.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.stevedore.machinery.validation.Manifests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceValidationTest {

	private static Service service(Consumer<Service> change) {
		return Manifests.defaulted(Manifests.SERVICE, Service.class, change);
	}

	private static Arguments c(String name, Consumer<Service> change, String... expected) {
		return Arguments.of(name, change, List.of(expected));
	}

	static Stream<Arguments> cases() {
		return Stream.of(c("ports are required", s -> s.getSpec().setPorts(List.of()), "spec.ports: Required value"),
				c("a headless Service needs no ports", s -> {
					s.getSpec().setPorts(List.of());
					s.getSpec().setClusterIP("None");
				}), c("an ExternalName Service needs no ports but a name", s -> {
					s.getSpec().setPorts(List.of());
					s.getSpec().setType("ExternalName");
				}, "spec.externalName: Required value"), c("an ExternalName is a DNS name", s -> {
					s.getSpec().setType("ExternalName");
					s.getSpec().setExternalName("db_server.example.com.");
				}, "spec.externalName: Invalid value: \"db_server.example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
				c("several ports need names", s -> s.getSpec().getPorts().get(1).setName(null),
						"spec.ports[1].name: Required value"),
				c("port names are unique", s -> s.getSpec().getPorts().get(1).setName("http"),
						"spec.ports[1].name: Duplicate value: \"http\""),
				c("a port is between 1 and 65535", s -> s.getSpec().getPorts().get(0).setPort(0),
						"spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"),
				c("a targetPort name is an IANA name",
						s -> s.getSpec().getPorts().get(1).setTargetPort(new IntOrString("https_port")),
						"spec.ports[1].targetPort: Invalid value: \"https_port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"),
				c("a type is a known one", s -> s.getSpec().setType("Internal"),
						"spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""),
				c("a clusterIP is an IP", s -> s.getSpec().setClusterIP("10.0.0.300"),
						"spec.clusterIPs[0]: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
				c("a NodePort Service may not be headless", s -> {
					s.getSpec().setType("NodePort");
					s.getSpec().setClusterIP("None");
				}, "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"),
				c("a ClusterIP Service has no nodePort", s -> s.getSpec().getPorts().get(0).setNodePort(30080),
						"spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
				c("a selector holds labels", s -> s.getSpec().getSelector().put("app", "web server"),
						"spec.selector: Invalid value: \"web server\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
				c("two ports may not share protocol and port",
						s -> s.getSpec()
							.getPorts()
							.add(new ServicePortBuilder().withName("alt").withPort(80).withProtocol("TCP").build()),
						"spec.ports[2]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void rejectsWithKubernetesMessages(String name, Consumer<Service> change, List<String> expected) {
		assertThat(Manifests.createErrors(service(change))).containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void theClusterIPMayNotChangeOnceSet() {
		Service old = service(s -> s.getSpec().setClusterIP("10.96.0.10"));
		Service updated = service(s -> s.getSpec().setClusterIP("10.96.0.11"));
		Service unset = service(s -> {
		});
		assertThat(Manifests.updateErrors(updated, old))
			.containsExactly("spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set");
		assertThat(Manifests.updateErrors(unset, old)).isEmpty();
	}

}
