package io.stevedore.e2e.kubectl;

import io.stevedore.e2e.support.KubectlE2ESupport;
import io.stevedore.e2e.support.Manifests;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kubectl delete}: by name, by label, and with the cascade policies. */
class DeleteE2E extends KubectlE2ESupport {

	private String ns;

	@BeforeEach
	void namespace(TestInfo test) {
		this.ns = createNamespace(test);
	}

	@Test
	void deletingByNameRemovesTheObjectAndAGetThenSaysNotFound() {
		applyConfigMap(this.ns, "gone");

		assertThat(ok("delete", "configmap", "gone", "-n", this.ns)).isEqualTo("configmap \"gone\" deleted");

		assertThat(fails("get", "configmap", "gone", "-n", this.ns).stderr())
			.contains("Error from server (NotFound): configmaps \"gone\" not found");
	}

	@Test
	void deletingWhatDoesNotExistFailsUnlessToldToIgnoreIt() {
		assertThat(fails("delete", "configmap", "never", "-n", this.ns).stderr())
			.contains("Error from server (NotFound): configmaps \"never\" not found");

		assertThat(ok("delete", "configmap", "never", "-n", this.ns, "--ignore-not-found")).isEmpty();
	}

	@Test
	void deletingByLabelRemovesOnlyTheMatchingObjectsOfEachKind() {
		okWithInput(Manifests.web(this.ns, 1), "apply", "-f", "-");
		applyConfigMap(this.ns, "keep");

		assertThat(ok("delete", "configmaps,secrets,services,deployments", "-n", this.ns, "-l", "app=web").lines())
			.containsExactlyInAnyOrder("configmap \"web-config\" deleted", "secret \"web-secret\" deleted",
					"service \"web\" deleted", "deployment.apps \"web\" deleted");

		assertThat(ok("get", "configmaps,secrets,services,deployments", "-n", this.ns, "-o", "name").lines())
			.contains("configmap/keep")
			.doesNotContain("configmap/web-config", "secret/web-secret", "service/web", "deployment.apps/web");
	}

	@Test
	void aBackgroundCascadeDeletesTheOwnerAtOnce() {
		applyConfigMap(this.ns, "owner");
		createDependentOf("owner", "dependent");

		assertThat(ok("delete", "configmap", "owner", "-n", this.ns, "--cascade=background"))
			.isEqualTo("configmap \"owner\" deleted");

		assertThat(fails("get", "configmap", "owner", "-n", this.ns).stderr()).contains("NotFound");
	}

	@Test
	void anOrphanCascadeDeletesTheOwnerAndLeavesItsDependentAlone() {
		applyConfigMap(this.ns, "owner");
		createDependentOf("owner", "dependent");

		// --wait=false: removing the owner's "orphan" finalizer is the garbage
		// collector's job.
		assertThat(ok("delete", "configmap", "owner", "-n", this.ns, "--cascade=orphan", "--wait=false"))
			.isEqualTo("configmap \"owner\" deleted");

		KubectlResult owner = kubectl.run("get", "configmap", "owner", "-n", this.ns, "-o",
				"jsonpath={.metadata.finalizers}");
		assertThat(owner.succeeded() ? owner.stdout() : owner.stderr()).satisfiesAnyOf(
				(text) -> assertThat(text).contains("NotFound"), (text) -> assertThat(text).contains("orphan"));
		assertThat(ok("get", "configmap", "dependent", "-n", this.ns, "-o",
				"jsonpath={.metadata.name} {.metadata.deletionTimestamp}"))
			.isEqualTo("dependent");
	}

	private void createDependentOf(String owner, String dependent) {
		String uid = ok("get", "configmap", owner, "-n", this.ns, "-o", "jsonpath={.metadata.uid}");
		okWithInput("""
				apiVersion: v1
				kind: ConfigMap
				metadata:
				  name: %s
				  namespace: %s
				  ownerReferences:
				  - apiVersion: v1
				    kind: ConfigMap
				    name: %s
				    uid: %s
				""".formatted(dependent, this.ns, owner, uid), "create", "-f", "-");
	}

}
