package io.stevedore.controller.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.machinery.selectors.LabelSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A workload controller's {@code spec.selector} as a {@link LabelSelector}. Validation
 * rejects invalid selectors, so an old object with one is reported and skipped rather
 * than retried: no sync could fix it.
 */
public final class OwnerSelector {

	private static final Logger log = LoggerFactory.getLogger(OwnerSelector.class);

	private OwnerSelector() {
	}

	/** The selector, or null (logged) when it is invalid. */
	public static LabelSelector parse(HasMetadata owner, io.fabric8.kubernetes.api.model.LabelSelector selector) {
		try {
			return LabelSelector.from(selector);
		}
		catch (IllegalArgumentException ex) {
			log.warn("invalid selector kind={} ns={} name={} error=\"{}\"", owner.getKind(),
					owner.getMetadata().getNamespace(), owner.getMetadata().getName(), ex.getMessage());
			return null;
		}
	}

}
