package io.stevedore.machinery.validation;

import static io.stevedore.machinery.validation.CommonValidation.list;
import static io.stevedore.machinery.validation.CommonValidation.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.stevedore.machinery.errors.FieldError;

/**
 * metav1.LabelSelector syntax (apimachinery's ValidateLabelSelector) and the matching the
 * workload validators need to check a selector against template labels.
 */
public final class LabelSelectorValidation {

	private LabelSelectorValidation() {
	}

	public static List<FieldError> validate(LabelSelector selector, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (selector == null) {
			return errs;
		}
		errs.addAll(CommonValidation.labels(selector.getMatchLabels(), path.child("matchLabels")));
		List<LabelSelectorRequirement> exprs = list(selector.getMatchExpressions());
		for (int i = 0; i < exprs.size(); i++) {
			errs.addAll(requirement(exprs.get(i), path.child("matchExpressions").index(i)));
		}
		return errs;
	}

	private static List<FieldError> requirement(LabelSelectorRequirement r, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		List<String> values = list(r.getValues());
		String op = CommonValidation.str(r.getOperator());
		switch (op) {
			case "In", "NotIn" -> {
				if (values.isEmpty()) {
					errs.add(FieldError.required(path.child("values").toString(),
							"must be specified when `operator` is 'In' or 'NotIn'"));
				}
			}
			case "Exists", "DoesNotExist" -> {
				if (!values.isEmpty()) {
					errs.add(FieldError.forbidden(path.child("values").toString(),
							"may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
				}
			}
			default ->
				errs.add(FieldError.invalid(path.child("operator").toString(), op, "not a valid selector operator"));
		}
		errs.addAll(CommonValidation.check(CommonValidation.str(r.getKey()), path.child("key"),
				NameValidation::qualifiedName));
		for (int i = 0; i < values.size(); i++) {
			errs.addAll(
					CommonValidation.check(values.get(i), path.child("values").index(i), NameValidation::labelValue));
		}
		return errs;
	}

	/** Whether the selector has neither matchLabels nor matchExpressions. */
	public static boolean isEmpty(LabelSelector selector) {
		return selector == null
				|| (map(selector.getMatchLabels()).isEmpty() && list(selector.getMatchExpressions()).isEmpty());
	}

	/**
	 * Whether a (valid) selector selects the labels. A null selector selects nothing, an
	 * empty one everything, as metav1.LabelSelectorAsSelector.
	 */
	public static boolean matches(LabelSelector selector, Map<String, String> labels) {
		if (selector == null) {
			return false;
		}
		Map<String, String> l = map(labels);
		for (Map.Entry<String, String> e : map(selector.getMatchLabels()).entrySet()) {
			if (!e.getValue().equals(l.get(e.getKey()))) {
				return false;
			}
		}
		for (LabelSelectorRequirement r : list(selector.getMatchExpressions())) {
			String value = l.get(r.getKey());
			boolean has = l.containsKey(r.getKey());
			boolean ok = switch (CommonValidation.str(r.getOperator())) {
				case "In" -> has && list(r.getValues()).contains(value);
				case "NotIn" -> !has || !list(r.getValues()).contains(value);
				case "Exists" -> has;
				case "DoesNotExist" -> !has;
				default -> false;
			};
			if (!ok) {
				return false;
			}
		}
		return true;
	}

}
