package io.stevedore.apiserver.rest;

import java.util.ArrayList;
import java.util.List;

import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.apiserver.cache.WatchFilter;
import io.stevedore.apiserver.codec.ResourceVersions;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.selectors.FieldSelector;
import io.stevedore.machinery.selectors.FieldSelectors;
import io.stevedore.machinery.selectors.LabelSelector;
import io.stevedore.storage.KeyValue;

/**
 * GET of one object and LIST, with Kubernetes' resourceVersion semantics: unset means a
 * consistent read of the latest state, "0" any cached state, a number at least that new
 * (NotOlderThan) or exactly that (Exact, and every page after the first).
 */
public final class ReadOperations {

	private final RestContext context;

	public ReadOperations(RestContext context) {
		this.context = context;
	}

	public ObjectResult get(Scope scope) {
		ResourceType type = scope.type();
		String rv = scope.query().getOrDefault("resourceVersion", "");
		if (!rv.isEmpty()) {
			long revision = ListOptions.parseRevision(rv, "resourceVersion");
			if (revision > 0) {
				this.context.cache().waitForRevision(revision, this.context.consistentReadTimeout());
			}
			CachedObject cached = this.context.cache().get(scope.key());
			if (cached == null) {
				throw ApiException.notFound(type.group(), type.plural(), scope.name());
			}
			return ObjectResult.ok(type, cached.json());
		}
		KeyValue kv = this.context.store().get(scope.key());
		if (kv == null) {
			throw ApiException.notFound(type.group(), type.plural(), scope.name());
		}
		return ObjectResult.ok(type, ResourceVersions.withResourceVersion(kv.value(), kv.modRevision()));
	}

	public ListResult list(Scope scope, ListOptions options) {
		ResourceType type = scope.type();
		WatchFilter filter = filter(type, scope.namespace(), options);
		String prefix = type.keyPrefix(scope.namespace());
		long revision;
		String startAfter = null;
		long limit = options.limit();
		if (!options.continueToken().isEmpty()) {
			if (!options.resourceVersion().isEmpty() && !options.resourceVersion().equals("0")) {
				throw ApiException.badRequest("specifying resource version is not allowed when using continue");
			}
			ContinueToken token = ContinueToken.decode(options.continueToken(), prefix);
			revision = token.revision();
			startAfter = token.startAfterKey();
		}
		else if (options.resourceVersion().equals("0")) {
			// "Any" resourceVersion: the cache as it is, and Kubernetes ignores the
			// limit.
			revision = this.context.cache().revision();
			limit = 0;
		}
		else if (options.resourceVersion().isEmpty()) {
			revision = this.context.cache().syncWithStore(this.context.consistentReadTimeout());
		}
		else {
			long requested = ListOptions.parseRevision(options.resourceVersion(), "resourceVersion");
			this.context.cache().waitForRevision(requested, this.context.consistentReadTimeout());
			revision = options.resourceVersionMatch().equals("Exact") ? requested : this.context.cache().revision();
		}
		List<CachedObject> candidates;
		try {
			candidates = this.context.cache().list(prefix, revision, startAfter);
		}
		catch (ApiException ex) {
			if (ex.code() == 410 && !options.continueToken().isEmpty()) {
				throw ApiException.expired("The provided continue parameter is too old to display a consistent list "
						+ "result. You can start a new list without the continue parameter.");
			}
			throw ex;
		}
		List<CachedObject> page = new ArrayList<>();
		String next = "";
		Long remaining = null;
		for (int i = 0; i < candidates.size(); i++) {
			CachedObject object = candidates.get(i);
			if (!filter.matches(object)) {
				continue;
			}
			if (limit > 0 && page.size() == limit) {
				next = new ContinueToken(revision, page.get(page.size() - 1).key()).encode();
				if (filter.labels().isEverything() && filter.fields().isEverything()) {
					remaining = (long) (candidates.size() - i);
				}
				break;
			}
			page.add(object);
		}
		return new ListResult(type, page, revision, next, remaining);
	}

	/** Parses and checks the selectors of a list or watch. */
	public static WatchFilter filter(ResourceType type, String namespace, ListOptions options) {
		LabelSelector labels;
		FieldSelector fields;
		try {
			labels = options.labelSelector().isEmpty() ? LabelSelector.everything()
					: LabelSelector.parse(options.labelSelector());
		}
		catch (IllegalArgumentException ex) {
			throw ApiException.badRequest(ex.getMessage());
		}
		try {
			// convert() validates and maps aliases (spec.host, regarding.*) to the fields
			// the
			// cache extracted from each object.
			fields = options.fieldSelector().isEmpty() ? FieldSelector.everything()
					: FieldSelectors.convert(type, FieldSelector.parse(options.fieldSelector()));
		}
		catch (IllegalArgumentException ex) {
			throw ApiException.badRequest(ex.getMessage());
		}
		return new WatchFilter(namespace == null ? "" : namespace, labels, fields);
	}

}
