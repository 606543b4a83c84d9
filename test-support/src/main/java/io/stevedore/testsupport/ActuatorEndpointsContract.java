package io.stevedore.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every Stevedore service promises to its operators: Actuator health with liveness
 * and readiness groups (the probes of the Helm chart), info naming the component, and a
 * Prometheus scrape. Each service's test extends this against its own application.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ActuatorEndpointsContract {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Autowired
	private Environment environment;

	protected HttpResponse<String> get(String path) throws IOException, InterruptedException {
		String port = this.environment.getRequiredProperty("local.server.port");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void livenessGroupReportsUp() throws Exception {
		HttpResponse<String> response = get("/actuator/health/liveness");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"status\":\"UP\"");
	}

	@Test
	void readinessGroupReportsUp() throws Exception {
		HttpResponse<String> response = get("/actuator/health/readiness");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"status\":\"UP\"");
	}

	@Test
	void infoNamesTheComponent() throws Exception {
		HttpResponse<String> response = get("/actuator/info");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"component\":\"" + componentName() + "\"");
	}

	@Test
	void prometheusScrapeExposesJvmMetrics() throws Exception {
		HttpResponse<String> response = get("/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("jvm_memory_used_bytes");
	}

	/** The module name the service reports in /actuator/info. */
	protected abstract String componentName();

}
