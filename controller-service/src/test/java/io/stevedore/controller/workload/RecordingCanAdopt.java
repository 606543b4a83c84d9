package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A {@link CanAdopt} that counts its calls and, once told, refuses as a fresh read of a
 * deleted or recreated owner would.
 */
public final class RecordingCanAdopt implements CanAdopt {

	/** The names of the owners asked about, one entry per call. */
	public final List<String> asked = new ArrayList<>();

	private String refusal;

	/** Every later check fails with this message. */
	public RecordingCanAdopt refuse(String message) {
		this.refusal = message;
		return this;
	}

	@Override
	public void check(HasMetadata owner) {
		this.asked.add(owner.getMetadata().getName());
		if (this.refusal != null) {
			throw new IllegalStateException(this.refusal);
		}
	}

}
