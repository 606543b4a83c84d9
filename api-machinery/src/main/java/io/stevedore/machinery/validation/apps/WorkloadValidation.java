package io.stevedore.machinery.validation.apps;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.GoValue;
import io.stevedore.machinery.validation.LabelSelectorValidation;
import io.stevedore.machinery.validation.NameValidation;
import io.stevedore.machinery.validation.core.PodSpecValidation;

/**
 * What the controllers of apps/v1 share: a required, non-empty selector that selects the
 * template's labels, a valid template whose restartPolicy is Always, and int-or-percent
 * rollout bounds.
 */
public final class WorkloadValidation {

	private WorkloadValidation() {
	}

	/**
	 * The selector and template of a Deployment, ReplicaSet, StatefulSet or DaemonSet;
	 * {@code kindWord} is the lowercase word Kubernetes puts in "empty selector is
	 * invalid for ...".
	 */
	public static List<FieldError> selectorAndTemplate(LabelSelector selector, PodTemplateSpec template, FieldPath spec,
			String kindWord, String kind) {
		List<FieldError> errs = new ArrayList<>();
		FieldPath selectorPath = spec.child("selector");
		if (selector == null) {
			errs.add(FieldError.required(selectorPath.toString(), ""));
		}
		else {
			errs.addAll(LabelSelectorValidation.validate(selector, selectorPath));
			if (LabelSelectorValidation.isEmpty(selector)) {
				errs.add(FieldError.invalid(selectorPath.toString(), GoValue.labelSelector(selector),
						"empty selector is invalid for " + kindWord));
			}
		}
		FieldPath templatePath = spec.child("template");
		errs.addAll(templateMatchesSelector(selector, template, templatePath));
		errs.addAll(PodSpecValidation.validateTemplate(template, templatePath));
		if (template != null && template.getSpec() != null) {
			String restart = template.getSpec().getRestartPolicy();
			if (!"Always".equals(restart)) {
				errs.add(FieldError.notSupported(templatePath.child("spec", "restartPolicy").toString(),
						CommonValidation.str(restart), List.of("Always")));
			}
			if (template.getSpec().getActiveDeadlineSeconds() != null) {
				errs.add(FieldError.forbidden(templatePath.child("spec", "activeDeadlineSeconds").toString(),
						"activeDeadlineSeconds in " + kind + " is not Supported"));
			}
		}
		return errs;
	}

	/** {@code `selector` does not match template `labels`}. */
	public static List<FieldError> templateMatchesSelector(LabelSelector selector, PodTemplateSpec template,
			FieldPath templatePath) {
		if (selector == null || LabelSelectorValidation.isEmpty(selector)) {
			return List.of();
		}
		var labels = template == null || template.getMetadata() == null ? null : template.getMetadata().getLabels();
		if (!LabelSelectorValidation.matches(selector, labels)) {
			return List.of(FieldError.invalid(templatePath.child("metadata", "labels").toString(),
					GoValue.stringMap(labels), "`selector` does not match template `labels`"));
		}
		return List.of();
	}

	/** A non-negative integer or a percentage string such as {@code 25%}. */
	public static List<FieldError> positiveIntOrPercent(IntOrString value, FieldPath path) {
		if (value == null) {
			return List.of();
		}
		if (value.getIntVal() != null) {
			return CommonValidation.nonNegative(value.getIntVal(), path);
		}
		List<FieldError> errs = new ArrayList<>();
		for (String msg : NameValidation.percent(CommonValidation.str(value.getStrVal()))) {
			errs.add(FieldError.invalid(path.toString(), GoValue.intOrString(value), msg));
		}
		return errs;
	}

	public static List<FieldError> notMoreThan100Percent(IntOrString value, FieldPath path) {
		Integer percent = percentValue(value);
		if (percent != null && percent > 100) {
			return List
				.of(FieldError.invalid(path.toString(), GoValue.intOrString(value), "must not be greater than 100%"));
		}
		return List.of();
	}

	/** The number of an int, or of a valid percentage; 0 when absent or malformed. */
	public static int intOrPercentValue(IntOrString value) {
		if (value == null) {
			return 0;
		}
		if (value.getIntVal() != null) {
			return value.getIntVal();
		}
		Integer p = percentValue(value);
		return p == null ? 0 : p;
	}

	private static Integer percentValue(IntOrString value) {
		if (value == null || value.getStrVal() == null || !NameValidation.percent(value.getStrVal()).isEmpty()) {
			return null;
		}
		try {
			return Integer.parseInt(value.getStrVal().substring(0, value.getStrVal().length() - 1));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	public static List<FieldError> selectorImmutable(LabelSelector selector, LabelSelector old, FieldPath spec) {
		if (CommonValidation.semanticEquals(selector, old)) {
			return List.of();
		}
		return List.of(FieldError.invalid(spec.child("selector").toString(), GoValue.labelSelector(selector),
				CommonValidation.FIELD_IMMUTABLE));
	}

}
