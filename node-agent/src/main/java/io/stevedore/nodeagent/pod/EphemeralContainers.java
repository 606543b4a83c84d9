package io.stevedore.nodeagent.pod;

import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod's {@code spec.ephemeralContainers} (kubectl debug) as the sync sees them: each
 * one a plain container for the image, environment, volume and create steps the others go
 * through. The kubelet does the same cast ({@code v1.Container(ephemeral.Common)}).
 */
final class EphemeralContainers {

	/** The field of their events' fieldPath: {@code spec.ephemeralContainers{NAME}}. */
	static final String FIELD = "ephemeralContainers";

	private EphemeralContainers() {
	}

	static List<EphemeralContainer> of(Pod pod) {
		List<EphemeralContainer> all = pod.getSpec().getEphemeralContainers();
		return all == null ? List.of() : all;
	}

	/**
	 * The container to create. Ports, probes, lifecycle hooks, resources and a restart
	 * policy are left out: Kubernetes refuses them on an ephemeral container, and left
	 * out nothing here can probe, hook or restart one that an apiserver let through.
	 */
	static Container asContainer(EphemeralContainer ephemeral) {
		return new ContainerBuilder().withName(ephemeral.getName())
			.withImage(ephemeral.getImage())
			.withImagePullPolicy(ephemeral.getImagePullPolicy())
			.withCommand(ephemeral.getCommand())
			.withArgs(ephemeral.getArgs())
			.withWorkingDir(ephemeral.getWorkingDir())
			.withEnv(ephemeral.getEnv())
			.withEnvFrom(ephemeral.getEnvFrom())
			.withVolumeMounts(ephemeral.getVolumeMounts())
			.withVolumeDevices(ephemeral.getVolumeDevices())
			.withTty(ephemeral.getTty())
			.withStdin(ephemeral.getStdin())
			.withStdinOnce(ephemeral.getStdinOnce())
			.withSecurityContext(ephemeral.getSecurityContext())
			.withTerminationMessagePath(ephemeral.getTerminationMessagePath())
			.withTerminationMessagePolicy(ephemeral.getTerminationMessagePolicy())
			.build();
	}

	/** The container whose processes it is to see, or null. */
	static String target(EphemeralContainer ephemeral) {
		String target = ephemeral.getTargetContainerName();
		return target == null || target.isEmpty() ? null : target;
	}

}
