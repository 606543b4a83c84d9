package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.map;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;

/** ConfigMaps: file-name-safe keys, at most 1 MiB of data, and frozen once immutable. */
public final class ConfigMapValidation implements KindValidator<ConfigMap> {

	/** Kubernetes' MaxSecretSize, which bounds ConfigMaps too. */
	public static final int MAX_SIZE = 1024 * 1024;

	static final String FROZEN = "field is immutable when `immutable` is set";

	@Override
	public List<FieldError> validate(ConfigMap cm) {
		List<FieldError> errs = new ArrayList<>();
		long total = 0;
		FieldPath data = FieldPath.root("data");
		for (Map.Entry<String, String> e : map(cm.getData()).entrySet()) {
			for (String msg : NameValidation.configMapKey(e.getKey())) {
				errs.add(FieldError.invalid(data.key(e.getKey()).toString(), e.getKey(), msg));
			}
			if (map(cm.getBinaryData()).containsKey(e.getKey())) {
				errs.add(FieldError.invalid(data.key(e.getKey()).toString(), e.getKey(),
						"duplicate of key present in binaryData"));
			}
			total += e.getValue() == null ? 0 : e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
		}
		FieldPath binary = FieldPath.root("binaryData");
		for (Map.Entry<String, String> e : map(cm.getBinaryData()).entrySet()) {
			for (String msg : NameValidation.configMapKey(e.getKey())) {
				errs.add(FieldError.invalid(binary.key(e.getKey()).toString(), e.getKey(), msg));
			}
			total += decodedLength(e.getValue());
		}
		if (total > MAX_SIZE) {
			errs.add(FieldError.tooLong("", "", MAX_SIZE));
		}
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(ConfigMap cm, ConfigMap old) {
		List<FieldError> errs = new ArrayList<>();
		if (Boolean.TRUE.equals(old.getImmutable())) {
			if (!Boolean.TRUE.equals(cm.getImmutable())) {
				errs.add(FieldError.forbidden("immutable", FROZEN));
			}
			if (!Objects.equals(map(cm.getData()), map(old.getData()))) {
				errs.add(FieldError.forbidden("data", FROZEN));
			}
			if (!Objects.equals(map(cm.getBinaryData()), map(old.getBinaryData()))) {
				errs.add(FieldError.forbidden("binaryData", FROZEN));
			}
		}
		errs.addAll(validate(cm));
		return errs;
	}

	static long decodedLength(String base64) {
		if (base64 == null) {
			return 0;
		}
		try {
			return Base64.getDecoder().decode(base64).length;
		}
		catch (IllegalArgumentException ex) {
			return base64.length();
		}
	}

}
