package io.stevedore.nodeagent.pod;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OwnStatusEchoesTest {

	private final List<String> enqueued = new ArrayList<>();

	private final OwnStatusEchoes echoes = new OwnStatusEchoes(this.enqueued::add);

	private final Pod pending = new PodBuilder().withNewMetadata()
		.withNamespace("default")
		.withName("web")
		.withUid("u1")
		.withResourceVersion("1")
		.endMetadata()
		.withNewSpec()
		.withNodeName("n")
		.addNewContainer()
		.withName("main")
		.withImage("busybox:1")
		.endContainer()
		.endSpec()
		.withNewStatus()
		.withPhase("Pending")
		.endStatus()
		.build();

	private final PodStatus running = new PodStatusBuilder().withPhase("Running").withPodIP("10.0.0.2").build();

	@Test
	void theEchoOfTheAgentsOwnStatusWriteIsNotSyncedAgain() {
		this.echoes.onAdd(this.pending);
		this.echoes.wrote(this.pending, this.running);
		this.echoes.onUpdate(this.pending, withStatus(this.pending, this.running, "2"));
		assertThat(this.enqueued).containsExactly("default/web");
	}

	@Test
	void aStatusWrittenBySomeoneElseIsSynced() {
		this.echoes.wrote(this.pending, this.running);
		PodStatus other = new PodStatusBuilder().withPhase("Failed").withReason("Evicted").build();
		this.echoes.onUpdate(this.pending, withStatus(this.pending, other, "2"));
		assertThat(this.enqueued).containsExactly("default/web");
	}

	@Test
	void aSpecOrMetadataChangeAlongsideTheEchoIsSynced() {
		this.echoes.wrote(this.pending, this.running);
		Pod deleted = new PodBuilder(withStatus(this.pending, this.running, "2")).editMetadata()
			.withDeletionTimestamp("2026-12-05T15:00:00Z")
			.withDeletionGracePeriodSeconds(30L)
			.endMetadata()
			.build();
		this.echoes.onUpdate(this.pending, deleted);
		Pod labelled = new PodBuilder(withStatus(this.pending, this.running, "3")).editMetadata()
			.addToLabels("tier", "web")
			.endMetadata()
			.build();
		this.echoes.wrote(this.pending, this.running);
		this.echoes.onUpdate(this.pending, labelled);
		assertThat(this.enqueued).containsExactly("default/web", "default/web");
	}

	@Test
	void anEchoIsSkippedOnceOnlyAndNotForAnotherPodWithTheSameName() {
		this.echoes.wrote(this.pending, this.running);
		Pod echo = withStatus(this.pending, this.running, "2");
		this.echoes.onUpdate(this.pending, echo);
		// The same status again is no echo of a write any more.
		this.echoes.onUpdate(echo, withStatus(this.pending, this.running, "3"));
		Pod newer = new PodBuilder(withStatus(this.pending, this.running, "4")).editMetadata()
			.withUid("u2")
			.endMetadata()
			.build();
		this.echoes.wrote(this.pending, this.running);
		this.echoes.onUpdate(this.pending, newer);
		assertThat(this.enqueued).containsExactly("default/web", "default/web");
	}

	@Test
	void aDeletedPodIsSyncedAndForgotten() {
		this.echoes.wrote(this.pending, this.running);
		this.echoes.onDelete(this.pending, false);
		this.echoes.onUpdate(this.pending, withStatus(this.pending, this.running, "2"));
		assertThat(this.enqueued).containsExactly("default/web", "default/web");
	}

	private static Pod withStatus(Pod pod, PodStatus status, String resourceVersion) {
		return new PodBuilder(pod).withStatus(status)
			.editMetadata()
			.withResourceVersion(resourceVersion)
			.endMetadata()
			.build();
	}

}
