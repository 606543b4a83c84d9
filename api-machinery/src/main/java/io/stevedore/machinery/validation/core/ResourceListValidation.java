package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.list;
import static io.stevedore.machinery.validation.CommonValidation.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;

/**
 * Resource lists of ResourceQuotas and LimitRanges: qualified names and non-negative
 * quantities, whole numbers for object counts.
 */
public final class ResourceListValidation {

	private ResourceListValidation() {
	}

	static List<FieldError> resourceList(Map<String, Quantity> list, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		for (Map.Entry<String, Quantity> e : map(list).entrySet()) {
			FieldPath p = path.key(e.getKey());
			errs.addAll(CommonValidation.check(e.getKey(), p, NameValidation::qualifiedName));
			boolean counted = e.getKey().startsWith("count/") || List
				.of("pods", "services", "secrets", "configmaps", "persistentvolumeclaims", "replicationcontrollers",
						"resourcequotas", "services.nodeports", "services.loadbalancers")
				.contains(e.getKey());
			errs.addAll(CommonValidation.quantity(e.getValue(), p,
					counted || ResourceRequirementsValidation.isExtended(e.getKey())));
		}
		return errs;
	}

	/** ResourceQuota spec.hard and status. */
	public static final class ResourceQuotaValidation implements KindValidator<ResourceQuota> {

		@Override
		public List<FieldError> validate(ResourceQuota quota) {
			return quota.getSpec() == null ? List.of()
					: resourceList(quota.getSpec().getHard(), FieldPath.root("spec").child("hard"));
		}

		@Override
		public List<FieldError> validateStatusUpdate(ResourceQuota quota, ResourceQuota old) {
			List<FieldError> errs = new ArrayList<>();
			if (quota.getStatus() != null) {
				errs.addAll(resourceList(quota.getStatus().getHard(), FieldPath.root("status").child("hard")));
				errs.addAll(resourceList(quota.getStatus().getUsed(), FieldPath.root("status").child("used")));
			}
			return errs;
		}

	}

	/** LimitRange items: a type and well-formed lists; min ≤ default ≤ max. */
	public static final class LimitRangeValidation implements KindValidator<LimitRange> {

		@Override
		public List<FieldError> validate(LimitRange lr) {
			List<FieldError> errs = new ArrayList<>();
			List<LimitRangeItem> items = lr.getSpec() == null ? List.of() : list(lr.getSpec().getLimits());
			for (int i = 0; i < items.size(); i++) {
				LimitRangeItem item = items.get(i);
				FieldPath p = FieldPath.root("spec").child("limits").index(i);
				errs.addAll(CommonValidation.oneOf(item.getType(), p.child("type"),
						List.of("Container", "Pod", "PersistentVolumeClaim")));
				errs.addAll(resourceList(item.getMax(), p.child("max")));
				errs.addAll(resourceList(item.getMin(), p.child("min")));
				errs.addAll(resourceList(item.getDefault(), p.child("default")));
				errs.addAll(resourceList(item.getDefaultRequest(), p.child("defaultRequest")));
				for (Map.Entry<String, Quantity> e : map(item.getMin()).entrySet()) {
					var min = CommonValidation.parsedOrNull(e.getValue());
					var max = CommonValidation.parsedOrNull(map(item.getMax()).get(e.getKey()));
					if (min != null && max != null && min.compareTo(max) > 0) {
						errs.add(FieldError.invalid(p.child("min").key(e.getKey()).toString(), min.toString(),
								"min value " + min + " is greater than max value " + max));
					}
				}
			}
			return errs;
		}

	}

}
