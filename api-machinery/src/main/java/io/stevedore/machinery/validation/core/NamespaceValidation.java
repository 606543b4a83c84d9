package io.stevedore.machinery.validation.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Namespace;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;
import io.stevedore.machinery.validation.NameValidator;

/** Namespaces: DNS-1123 label names and well-formed spec.finalizers. */
public final class NamespaceValidation implements KindValidator<Namespace> {

	private static final Set<String> STANDARD_FINALIZERS = Set.of("kubernetes", "orphan", "foregroundDeletion");

	@Override
	public NameValidator names() {
		return NameValidator.DNS1123_LABEL;
	}

	@Override
	public List<FieldError> validate(Namespace ns) {
		List<FieldError> errs = new ArrayList<>();
		if (ns.getSpec() != null) {
			FieldPath path = FieldPath.root("spec").child("finalizers");
			for (String f : CommonValidation.list(ns.getSpec().getFinalizers())) {
				List<FieldError> syntax = CommonValidation.check(f, path, NameValidation::qualifiedName);
				errs.addAll(syntax);
				if (syntax.isEmpty() && !f.contains("/") && !STANDARD_FINALIZERS.contains(f)) {
					errs.add(FieldError.invalid(path.toString(), f,
							"name is neither a standard finalizer name nor is it fully qualified"));
				}
			}
		}
		return errs;
	}

	@Override
	public List<FieldError> validateStatusUpdate(Namespace ns, Namespace old) {
		String phase = ns.getStatus() == null ? null : ns.getStatus().getPhase();
		return CommonValidation.optionalOneOf(phase, FieldPath.root("status").child("phase"),
				List.of("Active", "Terminating"));
	}

}
