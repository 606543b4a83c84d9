package io.stevedore.machinery.openapi;

import java.util.List;

/**
 * The query parameters the apiserver honours, per operation, as Kubernetes' OpenAPI lists
 * them. kubectl reads them back: it sends {@code fieldValidation} only when the PATCH
 * operation of the kind declares it (the "query param verifier"), otherwise it falls back
 * to client-side validation and warns.
 */
final class QueryParameters {

	record Parameter(String name, String type, String description) {
	}

	static final Parameter PRETTY = new Parameter("pretty", "string",
			"If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).");

	static final Parameter DRY_RUN = new Parameter("dryRun", "string",
			"When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed");

	static final Parameter FIELD_MANAGER = new Parameter("fieldManager", "string",
			"fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.");

	static final Parameter FIELD_VALIDATION = new Parameter("fieldValidation", "string",
			"fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.");

	static final Parameter FORCE = new Parameter("force", "boolean",
			"Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.");

	static final Parameter GRACE_PERIOD = new Parameter("gracePeriodSeconds", "integer",
			"The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.");

	static final Parameter IGNORE_STORE_READ_ERROR = new Parameter("ignoreStoreReadErrorWithClusterBreakingPotential",
			"boolean",
			"if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error. A resource is considered corrupt if it can not be retrieved from the underlying storage successfully because of a) its data can not be transformed e.g. decryption failure, or b) it fails to decode into an object. NOTE: unsafe deletion ignores finalizer constraints, skips precondition checks, and removes the object from the storage. WARNING: This may potentially break the cluster if the workload associated with the resource being unsafe-deleted relies on normal deletion flow. Use only if you REALLY know what you are doing. The default value is false, and the user must opt in to enable it");

	static final Parameter ORPHAN_DEPENDENTS = new Parameter("orphanDependents", "boolean",
			"Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the \"orphan\" finalizer will be added to/removed from the object's finalizers list. Either this field or PropagationPolicy may be set, but not both.");

	static final Parameter PROPAGATION_POLICY = new Parameter("propagationPolicy", "string",
			"Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground.");

	static final Parameter ALLOW_WATCH_BOOKMARKS = new Parameter("allowWatchBookmarks", "boolean",
			"allowWatchBookmarks requests watch events with type \"BOOKMARK\". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server's discretion.");

	static final Parameter CONTINUE = new Parameter("continue", "string",
			"The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue) and the server may reject a continue value it does not recognize.");

	static final Parameter FIELD_SELECTOR = new Parameter("fieldSelector", "string",
			"A selector to restrict the list of returned objects by their fields. Defaults to everything.");

	static final Parameter LABEL_SELECTOR = new Parameter("labelSelector", "string",
			"A selector to restrict the list of returned objects by their labels. Defaults to everything.");

	static final Parameter LIMIT = new Parameter("limit", "integer",
			"limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results.");

	static final Parameter RESOURCE_VERSION = new Parameter("resourceVersion", "string",
			"resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset");

	static final Parameter RESOURCE_VERSION_MATCH = new Parameter("resourceVersionMatch", "string",
			"resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset");

	static final Parameter SEND_INITIAL_EVENTS = new Parameter("sendInitialEvents", "boolean",
			"`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection.");

	static final Parameter TIMEOUT_SECONDS = new Parameter("timeoutSeconds", "integer",
			"Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.");

	static final Parameter WATCH = new Parameter("watch", "boolean",
			"Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.");

	static final List<Parameter> LIST = List.of(ALLOW_WATCH_BOOKMARKS, CONTINUE, FIELD_SELECTOR, LABEL_SELECTOR, LIMIT,
			RESOURCE_VERSION, RESOURCE_VERSION_MATCH, SEND_INITIAL_EVENTS, TIMEOUT_SECONDS, WATCH);

	static final List<Parameter> CREATE = List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION);

	static final List<Parameter> REPLACE = CREATE;

	static final List<Parameter> PATCH = List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE);

	static final List<Parameter> DELETE = List.of(DRY_RUN, GRACE_PERIOD, IGNORE_STORE_READ_ERROR, ORPHAN_DEPENDENTS,
			PROPAGATION_POLICY);

	static final List<Parameter> DELETE_COLLECTION = List.of(CONTINUE, DRY_RUN, FIELD_SELECTOR, GRACE_PERIOD,
			IGNORE_STORE_READ_ERROR, LABEL_SELECTOR, LIMIT, ORPHAN_DEPENDENTS, PROPAGATION_POLICY, RESOURCE_VERSION,
			RESOURCE_VERSION_MATCH, SEND_INITIAL_EVENTS, TIMEOUT_SECONDS);

	private QueryParameters() {
	}

}
