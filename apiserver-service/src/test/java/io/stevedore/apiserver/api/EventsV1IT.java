package io.stevedore.apiserver.api;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * events.k8s.io/v1 and core/v1 Events are one storage, served under both groups with
 * conversion (EventsV1Conversion): over HTTP and with the real kubectl. Shares the
 * embedded apiserver (Spring's cached context) with the other EmbeddedApiServer ITs.
 */
class EventsV1IT extends EmbeddedApiServer {

	private static final String CORE = "/api/v1/namespaces/";

	private static final String EVENTS = "/apis/events.k8s.io/v1/namespaces/";

	@TempDir
	Path dir;

	HttpApi api;

	String ns;

	@BeforeEach
	void namespace() {
		this.api = api();
		this.ns = "t" + Long.toHexString(System.nanoTime());
		assertThat(this.api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + this.ns + "\"}}").code())
			.isEqualTo(201);
	}

	String coreEvent(String name, String pod) {
		return """
				{"apiVersion":"v1","kind":"Event","metadata":{"name":"%s"},
				 "involvedObject":{"apiVersion":"v1","kind":"Pod","name":"%s","namespace":"%s"},
				 "reason":"Pulled","message":"image pulled","type":"Normal",
				 "source":{"component":"kubelet","host":"node-a"},
				 "firstTimestamp":"2026-12-05T10:00:00Z","lastTimestamp":"2026-12-05T10:00:00Z","count":1}"""
			.formatted(name, pod, this.ns);
	}

	String eventsV1Event(String name, String pod) {
		return """
				{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"%s"},
				 "regarding":{"apiVersion":"v1","kind":"Pod","name":"%s","namespace":"%s"},
				 "eventTime":"2026-12-05T10:00:00.000000Z","reportingController":"example.com/scaler",
				 "reportingInstance":"scaler-1","action":"Scale","reason":"Scaled","type":"Warning",
				 "note":"scaled up"}""".formatted(name, pod, this.ns);
	}

	@Test
	void aCoreEventIsReadAsEventsV1WithTheSameResourceVersion() {
		JsonNode created = this.api.post(CORE + this.ns + "/events", coreEvent("e1", "web-1")).json();

		JsonNode served = this.api.get(EVENTS + this.ns + "/events/e1").json();
		assertThat(served.get("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
		assertThat(served.get("note").asText()).isEqualTo("image pulled");
		assertThat(served.at("/regarding/name").asText()).isEqualTo("web-1");
		assertThat(served.at("/deprecatedSource/component").asText()).isEqualTo("kubelet");
		assertThat(served.get("deprecatedCount").asInt()).isEqualTo(1);
		assertThat(served.has("message")).isFalse();
		assertThat(served.has("involvedObject")).isFalse();
		assertThat(served.at("/metadata/resourceVersion").asText())
			.isEqualTo(created.at("/metadata/resourceVersion").asText());
		assertThat(served.at("/metadata/uid").asText()).isEqualTo(created.at("/metadata/uid").asText());
	}

	@Test
	void anEventsV1EventIsReadAsCoreAndListedInBothGroups() {
		HttpApi.Answer created = this.api.post(EVENTS + this.ns + "/events", eventsV1Event("e2", "web-2"));
		assertThat(created.code()).as(created.body()).isEqualTo(201);
		assertThat(created.json().get("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
		assertThat(created.json().get("note").asText()).isEqualTo("scaled up");

		JsonNode core = this.api.get(CORE + this.ns + "/events/e2").json();
		assertThat(core.get("apiVersion").asText()).isEqualTo("v1");
		assertThat(core.get("message").asText()).isEqualTo("scaled up");
		assertThat(core.at("/involvedObject/name").asText()).isEqualTo("web-2");
		assertThat(core.get("reportingComponent").asText()).isEqualTo("example.com/scaler");
		assertThat(core.get("reportingInstance").asText()).isEqualTo("scaler-1");
		assertThat(core.at("/metadata/resourceVersion").asText())
			.isEqualTo(created.json().at("/metadata/resourceVersion").asText());

		this.api.post(CORE + this.ns + "/events", coreEvent("e1", "web-1"));
		JsonNode coreList = this.api.get(CORE + this.ns + "/events").json();
		JsonNode eventsList = this.api.get(EVENTS + this.ns + "/events").json();
		assertThat(coreList.get("items")).hasSize(2);
		assertThat(eventsList.get("items")).hasSize(2);
		assertThat(eventsList.get("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
		assertThat(eventsList.at("/metadata/resourceVersion").asText())
			.isEqualTo(coreList.at("/metadata/resourceVersion").asText());
		assertThat(eventsList.at("/items/0/apiVersion").asText()).isEqualTo("events.k8s.io/v1");
	}

	@Test
	void fieldSelectorsOfEventsV1AreTranslatedToTheCoreFields() {
		this.api.post(CORE + this.ns + "/events", coreEvent("e1", "web-1"));
		this.api.post(EVENTS + this.ns + "/events", eventsV1Event("e2", "web-2"));

		JsonNode byRegarding = this.api.get(EVENTS + this.ns + "/events?fieldSelector=regarding.name%3Dweb-1").json();
		assertThat(byRegarding.get("items")).hasSize(1);
		assertThat(byRegarding.at("/items/0/metadata/name").asText()).isEqualTo("e1");
		JsonNode byController = this.api
			.get(EVENTS + this.ns + "/events?fieldSelector=reportingController%3Dexample.com/scaler")
			.json();
		assertThat(byController.get("items")).hasSize(1);
		assertThat(byController.at("/items/0/metadata/name").asText()).isEqualTo("e2");
		JsonNode coreByInvolved = this.api.get(CORE + this.ns + "/events?fieldSelector=involvedObject.name%3Dweb-2")
			.json();
		assertThat(coreByInvolved.at("/items/0/metadata/name").asText()).isEqualTo("e2");

		HttpApi.Answer coreName = this.api.get(EVENTS + this.ns + "/events?fieldSelector=involvedObject.name%3Dweb-1");
		assertThat(coreName.code()).isEqualTo(400);
		assertThat(coreName.message()).contains("involvedObject.name");
	}

	@Test
	void aWatchOfEventsV1SeesEventsCreatedThroughCore() {
		String rv = this.api.get(EVENTS + this.ns + "/events").json().at("/metadata/resourceVersion").asText();
		this.api.post(CORE + this.ns + "/events", coreEvent("e1", "web-1"));

		HttpApi.Answer watch = this.api.get(EVENTS + this.ns + "/events?watch=true&resourceVersion=" + rv
				+ "&timeoutSeconds=1&fieldSelector=regarding.name%3Dweb-1");
		assertThat(watch.body()).contains("\"type\":\"ADDED\"")
			.contains("\"apiVersion\":\"events.k8s.io/v1\"")
			.contains("\"note\":\"image pulled\"")
			.doesNotContain("\"message\"");
	}

	@Test
	void anEventsV1CreateWithoutTheNewStyleFieldsIsInvalidAndNothingIsStored() {
		String body = eventsV1Event("e3", "web-3").replace("\"reportingController\":\"example.com/scaler\",", "");
		HttpApi.Answer answer = this.api.post(EVENTS + this.ns + "/events", body);
		assertThat(answer.code()).as(answer.body()).isEqualTo(422);
		assertThat(answer.reason()).isEqualTo("Invalid");
		assertThat(answer.json().at("/details/group").asText()).isEqualTo("events.k8s.io");
		assertThat(answer.json().at("/details/causes/0/field").asText()).isEqualTo("reportingController");
		assertThat(this.api.get(CORE + this.ns + "/events/e3").code()).isEqualTo(404);
		assertThat(this.api.get(CORE + this.ns + "/events").json().get("items")).isEmpty();

		// The same object through core/v1 is valid: those fields are optional there.
		String core = """
				{"apiVersion":"v1","kind":"Event","metadata":{"name":"e3"},
				 "involvedObject":{"kind":"Pod","name":"web-3","namespace":"%s"},"reason":"Scaled","type":"Normal"}"""
			.formatted(this.ns);
		assertThat(this.api.post(CORE + this.ns + "/events", core).code()).isEqualTo(201);
	}

	@Test
	void kubectlGetsEventsOfBothGroupsAsATable() {
		this.api.post(CORE + this.ns + "/events", coreEvent("e1", "web-1"));
		this.api.post(EVENTS + this.ns + "/events", eventsV1Event("e2", "web-2"));
		Kubectl kubectl = Kubectl.forKubeconfig(
				Kubeconfig.write(this.dir.resolve("kubeconfig"), this.api.uri("").toString()),
				this.dir.resolve("home"));

		String table = kubectl.run("-n", this.ns, "get", "events.v1.events.k8s.io").requireSuccess().stdout();
		assertThat(table).containsPattern("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE")
			.containsPattern("Normal\\s+Pulled\\s+pod/web-1\\s+image pulled")
			.containsPattern("Warning\\s+Scaled\\s+pod/web-2\\s+scaled up");
		assertThat(kubectl
			.run("-n", this.ns, "get", "events.v1.events.k8s.io", "e1", "-o", "jsonpath={.apiVersion} {.note}")
			.requireSuccess()
			.stdout()).isEqualTo("events.k8s.io/v1 image pulled");

		String events = kubectl.run("-n", this.ns, "events").requireSuccess().stdout();
		assertThat(events).containsPattern("Normal\\s+Pulled\\s+Pod/web-1\\s+image pulled")
			.containsPattern("Warning\\s+Scaled\\s+Pod/web-2\\s+scaled up");
		String forPod = kubectl.run("-n", this.ns, "events", "--for", "pod/web-2").requireSuccess().stdout();
		assertThat(forPod).contains("scaled up").doesNotContain("image pulled");
	}

}
