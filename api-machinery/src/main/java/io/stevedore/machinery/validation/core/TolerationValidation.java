package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.str;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Toleration;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.NameValidation;

/** A pod's {@code tolerations}, as ValidateTolerations. */
public final class TolerationValidation {

	static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

	private TolerationValidation() {
	}

	public static List<FieldError> validate(List<Toleration> tolerations, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		for (int i = 0; i < tolerations.size(); i++) {
			Toleration t = tolerations.get(i);
			FieldPath p = path.index(i);
			String operator = str(t.getOperator());
			if (!isEmpty(t.getKey())) {
				errs.addAll(CommonValidation.check(t.getKey(), p.child("key"), NameValidation::qualifiedName));
			}
			// An empty key with Exists matches every taint; with any other operator it is
			// meaningless.
			if (isEmpty(t.getKey()) && !operator.equals("Exists")) {
				errs.add(FieldError.invalid(p.child("operator").toString(), operator,
						"operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
			}
			if (t.getTolerationSeconds() != null && !"NoExecute".equals(t.getEffect())) {
				errs.add(FieldError.invalid(p.child("effect").toString(), str(t.getEffect()),
						"effect must be 'NoExecute' when `tolerationSeconds` is set"));
			}
			switch (operator) {
				case "Equal", "" -> {
					List<String> msgs = NameValidation.labelValue(str(t.getValue()));
					if (!msgs.isEmpty()) {
						errs.add(FieldError.invalid(p.child("operator").toString(), str(t.getValue()),
								String.join(";", msgs)));
					}
				}
				case "Exists" -> {
					if (!isEmpty(t.getValue())) {
						errs.add(FieldError.invalid(p.child("operator").toString(), t.getValue(),
								"value must be empty when `operator` is 'Exists'"));
					}
				}
				default -> errs
					.add(FieldError.notSupported(p.child("operator").toString(), operator, List.of("Equal", "Exists")));
			}
			if (!isEmpty(t.getEffect()) && !EFFECTS.contains(t.getEffect())) {
				errs.add(FieldError.notSupported(p.child("effect").toString(), t.getEffect(), EFFECTS));
			}
		}
		return errs;
	}

}
