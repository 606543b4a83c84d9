package io.stevedore.e2e.kubectl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.stevedore.e2e.support.KubectlAssertions;
import io.stevedore.e2e.support.KubectlE2ESupport;
import io.stevedore.e2e.support.Manifests;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The imperative commands that change one object: label, annotate, patch, scale, edit.
 */
class ModifyE2E extends KubectlE2ESupport {

	private String ns;

	@BeforeEach
	void applyTheWebApplication(TestInfo test) {
		this.ns = uniqueNamespace(test);
		okWithInput(Manifests.web(this.ns, 2), "apply", "-f", "-");
	}

	@Test
	void labelAddsOverwritesOnlyWhenToldAndRemoves() {
		assertThat(ok("label", "configmap", "web-config", "-n", this.ns, "tier=front"))
			.isEqualTo("configmap/web-config labeled");
		assertThat(fails("label", "configmap", "web-config", "-n", this.ns, "tier=back").stderr())
			.contains("'tier' already has a value (front), and --overwrite is false");
		ok("label", "configmap", "web-config", "-n", this.ns, "tier=back", "--overwrite");
		assertThat(field("configmap", "web-config", "{.metadata.labels.tier}")).isEqualTo("back");

		assertThat(ok("label", "configmap", "web-config", "-n", this.ns, "tier-"))
			.isEqualTo("configmap/web-config unlabeled");
		assertThat(field("configmap", "web-config", "{.metadata.labels}")).doesNotContain("tier")
			.contains("\"app\":\"web\"");
	}

	@Test
	void annotateAddsAnAnnotationAndKeepsTheOthers() {
		assertThat(ok("annotate", "deployment", "web", "-n", this.ns, "owner=team-a"))
			.isEqualTo("deployment.apps/web annotated");

		assertThat(field("deployment", "web", "{.metadata.annotations.owner}")).isEqualTo("team-a");
		assertThat(field("deployment", "web",
				"{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}"))
			.contains("\"kind\":\"Deployment\"");
	}

	@Test
	void aMergePatchReplacesTheGivenKeysAndNullDeletesOne() {
		assertThat(ok("patch", "configmap", "web-config", "-n", this.ns, "--type", "merge", "-p",
				"{\"data\":{\"greeting\":\"hi\",\"extra\":\"x\"}}"))
			.isEqualTo("configmap/web-config patched");
		ok("patch", "configmap", "web-config", "-n", this.ns, "--type", "merge", "-p", "{\"data\":{\"extra\":null}}");

		assertThat(field("configmap", "web-config", "{.data}")).isEqualTo("{\"greeting\":\"hi\"}");
		assertThat(ok("patch", "configmap", "web-config", "-n", this.ns, "--type", "merge", "-p",
				"{\"data\":{\"greeting\":\"hi\"}}"))
			.isEqualTo("configmap/web-config patched (no change)");
	}

	@Test
	void aJsonPatchAppliesItsOperationsInOrderOrNotAtAll() {
		assertThat(ok("patch", "configmap", "web-config", "-n", this.ns, "--type", "json", "-p",
				"[{\"op\":\"add\",\"path\":\"/data/second\",\"value\":\"2\"},"
						+ "{\"op\":\"replace\",\"path\":\"/data/greeting\",\"value\":\"hey\"}]"))
			.isEqualTo("configmap/web-config patched");
		assertThat(field("configmap", "web-config", "{.data.greeting} {.data.second}")).isEqualTo("hey 2");

		KubectlResult failedTest = fails("patch", "configmap", "web-config", "-n", this.ns, "--type", "json", "-p",
				"[{\"op\":\"replace\",\"path\":\"/data/second\",\"value\":\"3\"},"
						+ "{\"op\":\"test\",\"path\":\"/data/greeting\",\"value\":\"nope\"}]");

		assertThat(failedTest.stderr()).contains("The request is invalid")
			.contains("testing value /data/greeting failed");
		assertThat(field("configmap", "web-config", "{.data.greeting} {.data.second}")).isEqualTo("hey 2");
	}

	@Test
	void aStrategicMergePatchMergesContainersByName() {
		assertThat(ok("patch", "deployment", "web", "-n", this.ns, "-p",
				"{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox\"}]}}}}"))
			.isEqualTo("deployment.apps/web patched");
		ok("patch", "deployment", "web", "-n", this.ns, "--type", "strategic", "-p",
				"{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}");

		assertThat(field("deployment", "web", "{range .spec.template.spec.containers[*]}{.name}={.image} {end}")
			.split(" ")).containsExactlyInAnyOrder("web=nginx:1.28", "sidecar=busybox");
	}

	@Test
	void scaleSetsTheReplicasAndChecksTheCurrentCountWhenAsked() {
		assertThat(ok("scale", "deployment", "web", "-n", this.ns, "--replicas=5"))
			.isEqualTo("deployment.apps/web scaled");
		assertThat(field("deployment", "web", "{.spec.replicas}")).isEqualTo("5");

		assertThat(fails("scale", "deployment", "web", "-n", this.ns, "--replicas=1", "--current-replicas=2").stderr())
			.contains("Expected replicas to be 2, was 5");
		assertThat(field("deployment", "web", "{.spec.replicas}")).isEqualTo("5");
	}

	@Test
	void editRunsTheEditorOnTheLiveObjectAndSavesItsChange() throws IOException {
		Path editor = Files.writeString(workDir.resolve("editor-" + this.ns + ".sh"),
				"#!/bin/sh\nsed -i 's/replicas: 2/replicas: 6/' \"$1\"\n");
		Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));

		KubectlResult edited = kubectl.withEnvironment("KUBE_EDITOR", editor.toString())
			.run("edit", "deployment", "web", "-n", this.ns);

		assertThat(KubectlAssertions.cleanOutput(edited)).isEqualTo("deployment.apps/web edited");
		assertThat(field("deployment", "web", "{.spec.replicas}")).isEqualTo("6");
	}

	@Test
	void editWithoutAChangeSavesNothing() {
		String before = field("deployment", "web", "{.metadata.resourceVersion}");

		KubectlResult cancelled = kubectl.withEnvironment("KUBE_EDITOR", "true")
			.run("edit", "deployment", "web", "-n", this.ns);

		assertThat(KubectlAssertions.clean(cancelled).stderr()).contains("Edit cancelled, no changes made.");
		assertThat(field("deployment", "web", "{.metadata.resourceVersion}")).isEqualTo(before);
	}

	private String field(String kind, String name, String jsonpath) {
		return ok("get", kind, name, "-n", this.ns, "-o", "jsonpath=" + jsonpath);
	}

}
