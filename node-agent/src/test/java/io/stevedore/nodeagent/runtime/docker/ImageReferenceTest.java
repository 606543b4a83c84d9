package io.stevedore.nodeagent.runtime.docker;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ImageReferenceTest {

	@ParameterizedTest(name = "{0} pulls {1} at {2}")
	@CsvSource({ "busybox,busybox,latest", "busybox:1.36,busybox,1.36", "127.0.0.1:5000/app,127.0.0.1:5000/app,latest",
			"127.0.0.1:5000/app:v2,127.0.0.1:5000/app,v2", "app@sha256:abc,app,sha256:abc" })
	void anImageSplitsIntoRepositoryAndTagOrDigestWithLatestByDefault(String image, String repository, String tag) {
		assertThat(ImageReference.parse(image)).isEqualTo(new ImageReference(repository, tag));
	}

	@ParameterizedTest(name = "Docker''s {0} is Kubernetes'' {1}")
	@CsvSource({ "x86_64,amd64", "aarch64,arm64", "armv7l,arm", "s390x,s390x" })
	void dockerArchitecturesAreReportedWithGoNames(String docker, String go) {
		assertThat(DockerContainerRuntime.goArch(docker)).isEqualTo(go);
	}

}
