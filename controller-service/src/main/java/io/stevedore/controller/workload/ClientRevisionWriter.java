package io.stevedore.controller.workload;

import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/** {@link RevisionWriter} through the fabric8 client. */
public final class ClientRevisionWriter implements RevisionWriter {

	private final KubernetesClient client;

	public ClientRevisionWriter(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public ControllerRevision createRevision(ControllerRevision revision) {
		String namespace = revision.getMetadata().getNamespace();
		try {
			return this.client.apps().controllerRevisions().inNamespace(namespace).resource(revision).create();
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 409) {
				throw ex;
			}
			ControllerRevision existing = this.client.apps()
				.controllerRevisions()
				.inNamespace(namespace)
				.withName(revision.getMetadata().getName())
				.get();
			if (existing == null) {
				// Deleted between the two calls: the next sync creates it.
				throw ex;
			}
			return existing;
		}
	}

	@Override
	public void setRevisionNumber(ControllerRevision revision, long number) {
		// A stale cache must not renumber a revision that changed since: 409, retried.
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("resourceVersion", revision.getMetadata().getResourceVersion());
		metadata.put("uid", revision.getMetadata().getUid());
		Map<String, Object> patch = Map.of("revision", number, "metadata", metadata);
		this.client.apps()
			.controllerRevisions()
			.inNamespace(revision.getMetadata().getNamespace())
			.withName(revision.getMetadata().getName())
			.patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
	}

	@Override
	public ControllerRevision replaceRevision(ControllerRevision revision, ControllerRevision replacement) {
		deleteRevision(revision);
		return createRevision(replacement);
	}

	@Override
	public void deleteRevision(ControllerRevision revision) {
		// Deleting what is gone returns no error in fabric8 (false), as wanted.
		this.client.apps()
			.controllerRevisions()
			.inNamespace(revision.getMetadata().getNamespace())
			.withName(revision.getMetadata().getName())
			.delete();
	}

}
