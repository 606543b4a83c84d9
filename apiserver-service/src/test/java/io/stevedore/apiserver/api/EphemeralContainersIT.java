package io.stevedore.apiserver.api;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pods/{name}/ephemeralcontainers} over real HTTP and with the real
 * {@code kubectl debug}: only spec.ephemeralContainers changes through it, added ones are
 * defaulted and checked as Kubernetes does, and every rejection is a Status naming the
 * field that leaves the pod as it was.
 */
class EphemeralContainersIT extends EmbeddedApiServer {

	private static final String SMP = "application/strategic-merge-patch+json";

	@TempDir
	Path dir;

	HttpApi api;

	String ns;

	@BeforeEach
	void pod() {
		this.api = api();
		this.ns = "t" + Long.toHexString(System.nanoTime());
		assertThat(this.api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + this.ns + "\"}}").code())
			.isEqualTo(201);
		assertThat(this.api.post(pods(), """
				{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},
				 "spec":{"containers":[{"name":"app","image":"busybox:1","ports":[{"containerPort":80}]}],
				         "volumes":[{"name":"data","emptyDir":{}}]}}""").code()).isEqualTo(201);
	}

	@Test
	void aPatchAddsADefaultedEphemeralContainerAndNothingElseOfTheWrittenPod() {
		HttpApi.Answer added = this.api.patch(ephemeral("web"), SMP, """
				{"metadata":{"labels":{"app":"changed"}},
				 "spec":{"containers":[{"name":"app","image":"busybox:2"}],
				         "ephemeralContainers":[{"name":"debugger","image":"busybox:1","targetContainerName":"app",
				                                 "stdin":true,"tty":true,
				                                 "volumeMounts":[{"name":"data","mountPath":"/data"}]}]}}""");
		assertThat(added.code()).as(added.body()).isEqualTo(200);
		JsonNode pod = added.json();
		assertThat(pod.at("/kind").asText()).isEqualTo("Pod");
		JsonNode debugger = pod.at("/spec/ephemeralContainers/0");
		assertThat(debugger.path("name").asText()).isEqualTo("debugger");
		assertThat(debugger.path("targetContainerName").asText()).isEqualTo("app");
		assertThat(debugger.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
		assertThat(debugger.path("terminationMessagePolicy").asText()).isEqualTo("File");
		assertThat(debugger.path("terminationMessagePath").asText()).isEqualTo("/dev/termination-log");
		// The rest of the written pod does not count on this subresource.
		assertThat(pod.at("/metadata/labels/app").asText()).isEqualTo("web");
		assertThat(pod.at("/spec/containers/0/image").asText()).isEqualTo("busybox:1");

		HttpApi.Answer read = this.api.get(ephemeral("web"));
		assertThat(read.code()).isEqualTo(200);
		assertThat(read.json().at("/spec/ephemeralContainers/0/name").asText()).isEqualTo("debugger");
		assertThat(this.api.get(pods() + "/web").json().at("/metadata/managedFields").toString())
			.contains("\"subresource\":\"ephemeralcontainers\"");

		HttpApi.Answer second = this.api.patch(ephemeral("web"), SMP,
				"{\"spec\":{\"ephemeralContainers\":[{\"name\":\"second\",\"image\":\"busybox:2\"}]}}");
		assertThat(second.code()).as(second.body()).isEqualTo(200);
		// A strategic merge patch puts the added element first, as Kubernetes' does.
		assertThat(second.json().at("/spec/ephemeralContainers").findParents("image"))
			.extracting(c -> c.path("name").asText())
			.containsExactlyInAnyOrder("debugger", "second");
	}

	@Test
	void containerFieldsAnEphemeralContainerMayNotHaveAreForbiddenByName() {
		String before = this.api.get(pods() + "/web").body();
		HttpApi.Answer answer = this.api.patch(ephemeral("web"), SMP, """
				{"spec":{"ephemeralContainers":[{"name":"dbg","image":"busybox:1",
				  "ports":[{"containerPort":8080}],
				  "readinessProbe":{"tcpSocket":{"port":8080}},
				  "resources":{"limits":{"cpu":"1"}},
				  "lifecycle":{"preStop":{"exec":{"command":["true"]}}},
				  "volumeMounts":[{"name":"data","mountPath":"/data","subPath":"x"}]}]}}""");
		assertThat(answer.code()).isEqualTo(422);
		assertThat(answer.reason()).isEqualTo("Invalid");
		assertThat(answer.json().at("/details/causes").findValuesAsText("field")).contains(
				"spec.ephemeralContainers[0].ports", "spec.ephemeralContainers[0].readinessProbe",
				"spec.ephemeralContainers[0].resources", "spec.ephemeralContainers[0].lifecycle",
				"spec.ephemeralContainers[0].volumeMounts[0].subPath");
		assertThat(answer.message())
			.contains("spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container");
		assertThat(this.api.get(pods() + "/web").body()).isEqualTo(before);
	}

	@Test
	void aNameInUseAnUnknownTargetAndAMissingImageAreRejected() {
		String before = this.api.get(pods() + "/web").body();
		HttpApi.Answer answer = this.api.patch(ephemeral("web"), SMP, """
				{"spec":{"ephemeralContainers":[{"name":"app","image":"busybox:1"},
				  {"name":"dbg","image":"busybox:1","targetContainerName":"nope"},
				  {"name":"noimage"}]}}""");
		assertThat(answer.code()).isEqualTo(422);
		assertThat(answer.message()).contains("spec.ephemeralContainers[0].name: Duplicate value: \"app\"")
			.contains("spec.ephemeralContainers[1].targetContainerName: Not found: \"nope\"")
			.contains("spec.ephemeralContainers[2].image: Required value");
		assertThat(this.api.get(pods() + "/web").body()).isEqualTo(before);
	}

	@Test
	void anAddedEphemeralContainerMayNeitherChangeNorGo() {
		assertThat(this.api
			.patch(ephemeral("web"), SMP,
					"{\"spec\":{\"ephemeralContainers\":[{\"name\":\"dbg\",\"image\":\"busybox:1\"}]}}")
			.code()).isEqualTo(200);
		String before = this.api.get(pods() + "/web").body();

		HttpApi.Answer changed = this.api.patch(ephemeral("web"), SMP,
				"{\"spec\":{\"ephemeralContainers\":[{\"name\":\"dbg\",\"image\":\"busybox:2\"}]}}");
		assertThat(changed.code()).isEqualTo(422);
		assertThat(changed.message())
			.contains("spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" may not be changed");

		JsonNode pod = this.api.get(ephemeral("web")).json();
		((com.fasterxml.jackson.databind.node.ObjectNode) pod.path("spec")).putArray("ephemeralContainers");
		HttpApi.Answer removed = this.api.put(ephemeral("web"), pod.toString());
		assertThat(removed.code()).isEqualTo(422);
		assertThat(removed.message())
			.contains("spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" may not be removed");
		assertThat(this.api.get(pods() + "/web").body()).isEqualTo(before);
	}

	@Test
	void onlyTheSubresourceAddsThem() {
		String before = this.api.get(pods() + "/web").body();
		HttpApi.Answer update = this.api.patch(pods() + "/web", SMP,
				"{\"spec\":{\"ephemeralContainers\":[{\"name\":\"dbg\",\"image\":\"busybox:1\"}]}}");
		assertThat(update.code()).isEqualTo(422);
		assertThat(update.message()).contains("spec: Forbidden: pod updates may not change fields other than");
		assertThat(this.api.get(pods() + "/web").body()).isEqualTo(before);

		HttpApi.Answer create = this.api.post(pods(), """
				{"apiVersion":"v1","kind":"Pod","metadata":{"name":"born-with-one"},
				 "spec":{"containers":[{"name":"app","image":"busybox:1"}],
				         "ephemeralContainers":[{"name":"dbg","image":"busybox:1"}]}}""");
		assertThat(create.code()).isEqualTo(422);
		assertThat(create.message()).contains("spec.ephemeralContainers: Forbidden: cannot be set on create");
		assertThat(this.api.get(pods() + "/born-with-one").code()).isEqualTo(404);

		HttpApi.Answer template = this.api.post("/apis/apps/v1/namespaces/" + this.ns + "/deployments", """
				{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
				 "spec":{"selector":{"matchLabels":{"a":"b"}},
				         "template":{"metadata":{"labels":{"a":"b"}},
				                     "spec":{"containers":[{"name":"app","image":"busybox:1"}],
				                             "ephemeralContainers":[{"name":"dbg","image":"busybox:1"}]}}}}""");
		assertThat(template.code()).isEqualTo(422);
		assertThat(template.message()).contains(
				"spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template");
		assertThat(this.api.get("/apis/apps/v1/namespaces/" + this.ns + "/deployments/d").code()).isEqualTo(404);

		HttpApi.Answer post = this.api.post(ephemeral("web"), "{}");
		assertThat(post.code()).isEqualTo(405);
		assertThat(this.api.get(pods() + "/web").body()).isEqualTo(before);
	}

	@Test
	void discoveryListsTheSubresourceWithThePodKind() {
		JsonNode resources = this.api.get("/api/v1").json().path("resources");
		JsonNode sub = null;
		for (JsonNode resource : resources) {
			if (resource.path("name").asText().equals("pods/ephemeralcontainers")) {
				sub = resource;
			}
		}
		assertThat(sub).isNotNull();
		assertThat(sub.path("kind").asText()).isEqualTo("Pod");
		assertThat(sub.path("verbs").toString()).isEqualTo("[\"get\",\"patch\",\"update\"]");
	}

	@Test
	void kubectlDebugAddsAnEphemeralContainerTargetingTheAppContainer() {
		Kubectl kubectl = Kubectl.forKubeconfig(
				Kubeconfig.write(this.dir.resolve("kubeconfig"), this.api.uri("").toString()),
				this.dir.resolve("home"));
		kubectl
			.run("-n", this.ns, "debug", "web", "--image=busybox:1", "--target=app", "-c", "dbg", "--", "sh", "-c",
					"ps")
			.requireSuccess();
		JsonNode pod = this.api.get(pods() + "/web").json();
		JsonNode dbg = pod.at("/spec/ephemeralContainers/0");
		assertThat(dbg.path("name").asText()).isEqualTo("dbg");
		assertThat(dbg.path("targetContainerName").asText()).isEqualTo("app");
		assertThat(dbg.path("command").toString()).isEqualTo("[\"sh\",\"-c\",\"ps\"]");
		String names = kubectl
			.run("-n", this.ns, "get", "pod", "web", "-o", "jsonpath={.spec.ephemeralContainers[*].name}")
			.requireSuccess()
			.stdout();
		assertThat(names).isEqualTo("dbg");
		// A bad target is refused with the server's words, and changes nothing.
		String before = this.api.get(pods() + "/web").body();
		KubectlResult bad = kubectl.run("-n", this.ns, "debug", "web", "--image=busybox:1", "-c", "dbg2",
				"--target=nope");
		assertThat(bad.exitCode()).isNotZero();
		assertThat(bad.stderr()).contains("spec.ephemeralContainers[1].targetContainerName: Not found: \"nope\"");
		assertThat(this.api.get(pods() + "/web").body()).isEqualTo(before);
	}

	private String pods() {
		return "/api/v1/namespaces/" + this.ns + "/pods";
	}

	private String ephemeral(String pod) {
		return pods() + "/" + pod + "/ephemeralcontainers";
	}

}
