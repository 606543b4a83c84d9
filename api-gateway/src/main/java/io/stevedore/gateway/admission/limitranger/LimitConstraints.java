package io.stevedore.gateway.admission.limitranger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

import io.stevedore.machinery.quantity.Quantity;

/**
 * The three checks of a LimitRange item against one set of requests and limits, with
 * kube-apiserver's wording (plugin/pkg/admission/limitranger). Values are compared at
 * milli precision, rounded up, as Kubernetes' MilliValue does. Each returns the error
 * text, or {@code null} when the constraint holds.
 */
final class LimitConstraints {

	private LimitConstraints() {
	}

	static String min(String limitType, String resource, Quantity enforced, Map<String, Quantity> requests,
			Map<String, Quantity> limits) {
		Quantity request = requests.get(resource);
		Quantity limit = limits.get(resource);
		if (request == null) {
			return "minimum %s usage per %s is %s.  No request is specified".formatted(resource, limitType, enforced);
		}
		if (milli(request).compareTo(milli(enforced)) < 0) {
			return "minimum %s usage per %s is %s, but request is %s".formatted(resource, limitType, enforced, request);
		}
		if (limit != null && milli(limit).compareTo(milli(enforced)) < 0) {
			return "minimum %s usage per %s is %s, but limit is %s".formatted(resource, limitType, enforced, limit);
		}
		return null;
	}

	static String max(String limitType, String resource, Quantity enforced, Map<String, Quantity> requests,
			Map<String, Quantity> limits) {
		Quantity request = requests.get(resource);
		Quantity limit = limits.get(resource);
		if (limit == null) {
			return "maximum %s usage per %s is %s.  No limit is specified".formatted(resource, limitType, enforced);
		}
		if (milli(limit).compareTo(milli(enforced)) > 0) {
			return "maximum %s usage per %s is %s, but limit is %s".formatted(resource, limitType, enforced, limit);
		}
		if (request != null && milli(request).compareTo(milli(enforced)) > 0) {
			return "maximum %s usage per %s is %s, but request is %s".formatted(resource, limitType, enforced, request);
		}
		return null;
	}

	/** Max against the request only: for kinds whose limits are not user input (PVCs). */
	static String maxRequest(String limitType, String resource, Quantity enforced, Map<String, Quantity> requests) {
		Quantity request = requests.get(resource);
		if (request == null) {
			return "maximum %s usage per %s is %s.  No request is specified".formatted(resource, limitType, enforced);
		}
		if (milli(request).compareTo(milli(enforced)) > 0) {
			return "maximum %s usage per %s is %s, but request is %s".formatted(resource, limitType, enforced, request);
		}
		return null;
	}

	static String limitRequestRatio(String limitType, String resource, Quantity enforced,
			Map<String, Quantity> requests, Map<String, Quantity> limits) {
		Quantity request = requests.get(resource);
		Quantity limit = limits.get(resource);
		if (request == null || milli(request).signum() == 0) {
			return "%s max limit to request ratio per %s is %s, but no request is specified or request is 0"
				.formatted(resource, limitType, enforced);
		}
		if (limit == null || milli(limit).signum() == 0) {
			return "%s max limit to request ratio per %s is %s, but no limit is specified or limit is 0"
				.formatted(resource, limitType, enforced);
		}
		BigDecimal ratio = milli(limit).divide(milli(request), 9, RoundingMode.HALF_EVEN);
		if (ratio.compareTo(enforced.value()) > 0) {
			return String.format(Locale.ROOT, "%s max limit to request ratio per %s is %s, but provided ratio is %f",
					resource, limitType, enforced, ratio.doubleValue());
		}
		return null;
	}

	private static BigDecimal milli(Quantity quantity) {
		return quantity.value().setScale(3, RoundingMode.CEILING);
	}

}
