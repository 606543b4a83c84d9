package io.stevedore.apiserver.http;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestMetricsTest {

	final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	final RequestMetrics metrics = new RequestMetrics(this.registry);

	@Test
	void requestsOfOneLabelSetAddUpAndOtherCodesCountApart() {
		RequestInfo create = new RequestInfo("create", "", "v1", "default", "pods", "", "",
				"/api/v1/namespaces/default/pods");

		this.metrics.record(create, 201, 1_000_000);
		this.metrics.record(create, 201, 3_000_000);
		this.metrics.record(create, 422, 500_000);

		assertThat(this.registry.get("apiserver.request").tag("verb", "POST").tag("code", "201").counter().count())
			.isEqualTo(2.0);
		assertThat(this.registry.get("apiserver.request").tag("code", "422").counter().count()).isEqualTo(1.0);
		assertThat(this.registry.get("apiserver.request.duration").tag("verb", "POST").timer().count()).isEqualTo(3);
	}

	@Test
	void theScopeIsTheObjectANamespacesCollectionOrTheCluster() {
		assertThat(RequestMetrics.scope(new RequestInfo("get", "", "v1", "ns", "pods", "p", "", "/")))
			.isEqualTo("resource");
		assertThat(RequestMetrics.scope(new RequestInfo("list", "", "v1", "ns", "pods", "", "", "/")))
			.isEqualTo("namespace");
		assertThat(RequestMetrics.scope(new RequestInfo("list", "", "v1", "", "pods", "", "", "/")))
			.isEqualTo("cluster");
		assertThat(RequestMetrics.scope(new RequestInfo("get", "", "v1", "", "nodes", "n", "", "/")))
			.isEqualTo("resource");
	}

	@Test
	void verbsAreReportedAsKubeApiserverDoes() {
		assertThat(RequestMetrics.reportedVerb("create")).isEqualTo("POST");
		assertThat(RequestMetrics.reportedVerb("update")).isEqualTo("PUT");
		assertThat(RequestMetrics.reportedVerb("deletecollection")).isEqualTo("DELETE");
		assertThat(RequestMetrics.reportedVerb("list")).isEqualTo("LIST");
		assertThat(RequestMetrics.reportedVerb("watch")).isEqualTo("WATCH");
		assertThat(RequestMetrics.reportedVerb("patch")).isEqualTo("PATCH");
	}

	@Test
	void aWatchIsCountedWhenItEndsButNotTimed() {
		this.metrics.record(new RequestInfo("watch", "apps", "v1", "", "deployments", "", "", "/"), 200,
				60_000_000_000L);

		assertThat(this.registry.get("apiserver.request").tag("verb", "WATCH").counter().count()).isEqualTo(1.0);
		assertThat(this.registry.find("apiserver.request.duration").timers()).isEmpty();
	}

}
