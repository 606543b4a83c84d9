package io.stevedore.controller.workload;

import io.fabric8.kubernetes.api.model.apps.ControllerRevision;

/**
 * The writes of a controller's history ({@link ControllerHistory}), behind an interface
 * for the unit tests.
 */
public interface RevisionWriter {

	/**
	 * Creates the revision.
	 * @return the stored revision; when its name is taken, the one stored under it (the
	 * caller's own from an earlier sync its cache has not seen yet, or a hash collision)
	 */
	ControllerRevision createRevision(ControllerRevision revision);

	/**
	 * Renumbers a revision whose template is current again, guarded by its
	 * resourceVersion.
	 */
	void setRevisionNumber(ControllerRevision revision, long number);

	/**
	 * Replaces a revision by another of the same name (its data is immutable): deleted,
	 * then created.
	 * @return the stored replacement
	 */
	ControllerRevision replaceRevision(ControllerRevision revision, ControllerRevision replacement);

	/** Deletes the revision (gone already is fine). */
	void deleteRevision(ControllerRevision revision);

}
