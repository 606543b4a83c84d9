package io.stevedore.apiserver.cache;

import io.stevedore.machinery.selectors.FieldSelector;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * What a list or watch selects: a namespace (empty: all) and label and field selectors.
 */
public record WatchFilter(String namespace, LabelSelector labels, FieldSelector fields) {

	public static WatchFilter everything() {
		return new WatchFilter("", LabelSelector.everything(), FieldSelector.everything());
	}

	public boolean matches(CachedObject object) {
		if (object == null) {
			return false;
		}
		if (!this.namespace.isEmpty() && !this.namespace.equals(object.namespace())) {
			return false;
		}
		return this.labels.matches(object.labels()) && this.fields.matches(object.fields());
	}

}
