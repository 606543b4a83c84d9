package io.stevedore.scheduler.framework;

import java.util.List;

/**
 * What a plugin says about a pod: a {@link Code} and the reasons a user reads in the
 * FailedScheduling event ("Insufficient cpu"). "Does not fit" is a Status, never an
 * exception.
 *
 * @param code the outcome
 * @param reasons user-facing reasons, each counted per node in the failure message
 * @param plugin the plugin that returned it, set by the framework
 */
public record Status(Code code, List<String> reasons, String plugin) {

	private static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), null);

	private static final Status SKIP = new Status(Code.SKIP, List.of(), null);

	public Status {
		reasons = List.copyOf(reasons);
	}

	public static Status success() {
		return SUCCESS;
	}

	public static Status skip() {
		return SKIP;
	}

	public static Status unschedulable(String... reasons) {
		return new Status(Code.UNSCHEDULABLE, List.of(reasons), null);
	}

	public static Status unresolvable(String... reasons) {
		return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons), null);
	}

	public static Status error(String reason) {
		return new Status(Code.ERROR, List.of(reason), null);
	}

	public boolean isSuccess() {
		return this.code == Code.SUCCESS;
	}

	public boolean isSkip() {
		return this.code == Code.SKIP;
	}

	/** Unschedulable either way: the pod waits for a cluster change. */
	public boolean isRejected() {
		return this.code == Code.UNSCHEDULABLE || this.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
	}

	public Status withPlugin(String name) {
		return (this.plugin != null || this.code == Code.SUCCESS || this.code == Code.SKIP) ? this
				: new Status(this.code, this.reasons, name);
	}

	public String message() {
		return String.join(", ", this.reasons);
	}

}
