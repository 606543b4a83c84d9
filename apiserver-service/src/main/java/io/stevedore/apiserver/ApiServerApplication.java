package io.stevedore.apiserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.webmvc.autoconfigure.WebMvcObservationAutoConfiguration;

/**
 * The Kubernetes REST API on a revision-based store (Redis or embedded).
 *
 * <p>
 * Spring MVC's http.server.requests observation wraps every request in a Micrometer
 * Observation (context, tags from the URL, a long-task timer): ~9% of the apiserver's CPU
 * per create in a JFR profile, ~4% of everything a scheduled pod costs, for a metric that
 * duplicates RequestMetrics' kube-apiserver apiserver_request_* series. It is excluded
 * here rather than in application.yml so that it stays out wherever the apiserver runs,
 * also embedded next to another service whose application.yml shadows this one (the
 * scheduler's benchmark and ITs).
 */
@SpringBootApplication(exclude = WebMvcObservationAutoConfiguration.class)
public class ApiServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(ApiServerApplication.class, args);
	}

}
