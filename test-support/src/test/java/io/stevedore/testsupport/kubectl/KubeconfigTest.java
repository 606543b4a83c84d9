package io.stevedore.testsupport.kubectl;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The kubeconfig is checked by the real kubectl, the program that has to read it. */
class KubeconfigTest {

	@TempDir
	Path temp;

	@Test
	void kubectlReadsTheServerOfTheCurrentStevedoreContext() {
		Path file = Kubeconfig.write(this.temp.resolve("nested/kubeconfig"), "http://127.0.0.1:40123");
		Kubectl kubectl = Kubectl.forKubeconfig(file, this.temp.resolve("home"));

		KubectlResult result = kubectl
			.run("config", "view", "--minify", "-o",
					"jsonpath={.contexts[0].name} {.users[0].name} {.clusters[0].cluster.server}")
			.requireSuccess();

		assertThat(result.stdout()).isEqualTo("stevedore admin http://127.0.0.1:40123");
		assertThat(result.stderr()).isEmpty();
		assertThat(Files.exists(file)).isTrue();
	}

}
