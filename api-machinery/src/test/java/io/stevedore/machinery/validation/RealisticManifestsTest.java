package io.stevedore.machinery.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RealisticManifestsTest {

	static Stream<Arguments> manifests() {
		return Stream.of(Arguments.of("a typical Pod", Manifests.POD, Pod.class),
				Arguments.of("a typical Deployment", Manifests.DEPLOYMENT, Deployment.class),
				Arguments.of("a typical Service", Manifests.SERVICE, Service.class),
				Arguments.of("a typical Job", Manifests.JOB, Job.class),
				Arguments.of("a typical CronJob", Manifests.CRONJOB, CronJob.class));
	}

	@ParameterizedTest(name = "{0} is valid once defaulted")
	@MethodSource("manifests")
	<T extends HasMetadata> void validOnceDefaulted(String name, String yaml, Class<T> type) {
		T obj = Manifests.defaulted(yaml, type, o -> {
		});
		assertThat(Manifests.createErrors(obj)).isEmpty();
	}

	@ParameterizedTest(name = "{0} may be updated unchanged")
	@MethodSource("manifests")
	<T extends HasMetadata> void unchangedUpdateIsValid(String name, String yaml, Class<T> type) {
		T old = Manifests.defaulted(yaml, type, o -> {
		});
		T obj = Manifests.defaulted(yaml, type, o -> {
		});
		assertThat(Manifests.updateErrors(obj, old)).isEmpty();
	}

}
