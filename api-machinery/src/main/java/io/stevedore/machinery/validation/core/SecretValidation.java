package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.map;
import static io.stevedore.machinery.validation.CommonValidation.str;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;

/**
 * Secrets: keys as ConfigMap keys, 1 MiB of data, the keys each built-in type requires,
 * and an immutable type (and data, once {@code immutable: true}).
 */
public final class SecretValidation implements KindValidator<Secret> {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final FieldPath DATA = FieldPath.root("data");

	@Override
	public List<FieldError> validate(Secret secret) {
		List<FieldError> errs = new ArrayList<>();
		Map<String, String> data = map(secret.getData());
		long total = 0;
		for (Map.Entry<String, String> e : data.entrySet()) {
			for (String msg : NameValidation.configMapKey(e.getKey())) {
				errs.add(FieldError.invalid(DATA.key(e.getKey()).toString(), e.getKey(), msg));
			}
			total += ConfigMapValidation.decodedLength(e.getValue());
		}
		if (total > ConfigMapValidation.MAX_SIZE) {
			errs.add(FieldError.tooLong(DATA.toString(), "", ConfigMapValidation.MAX_SIZE));
		}
		switch (str(secret.getType())) {
			case "kubernetes.io/service-account-token" -> {
				Map<String, String> annotations = secret.getMetadata() == null ? Map.of()
						: map(secret.getMetadata().getAnnotations());
				if (CommonValidation.isEmpty(annotations.get("kubernetes.io/service-account.name"))) {
					errs.add(FieldError.required(FieldPath.root("metadata")
						.child("annotations")
						.key("kubernetes.io/service-account.name")
						.toString(), ""));
				}
			}
			case "kubernetes.io/dockercfg" -> errs.addAll(json(data, ".dockercfg"));
			case "kubernetes.io/dockerconfigjson" -> errs.addAll(json(data, ".dockerconfigjson"));
			case "kubernetes.io/basic-auth" -> {
				if (!data.containsKey("username") && !data.containsKey("password")) {
					errs.add(FieldError.required(DATA.key("username").toString(), ""));
					errs.add(FieldError.required(DATA.key("password").toString(), ""));
				}
			}
			case "kubernetes.io/ssh-auth" -> {
				if (ConfigMapValidation.decodedLength(data.get("ssh-privatekey")) == 0) {
					errs.add(FieldError.required(DATA.key("ssh-privatekey").toString(), ""));
				}
			}
			case "kubernetes.io/tls" -> {
				if (!data.containsKey("tls.crt")) {
					errs.add(FieldError.required(DATA.key("tls.crt").toString(), ""));
				}
				if (!data.containsKey("tls.key")) {
					errs.add(FieldError.required(DATA.key("tls.key").toString(), ""));
				}
			}
			default -> {
			}
		}
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(Secret secret, Secret old) {
		List<FieldError> errs = new ArrayList<>();
		errs.addAll(CommonValidation.immutable(str(secret.getType()), str(old.getType()), FieldPath.root("type")));
		if (Boolean.TRUE.equals(old.getImmutable())) {
			if (!Boolean.TRUE.equals(secret.getImmutable())) {
				errs.add(FieldError.forbidden("immutable", ConfigMapValidation.FROZEN));
			}
			if (!Objects.equals(map(secret.getData()), map(old.getData()))) {
				errs.add(FieldError.forbidden("data", ConfigMapValidation.FROZEN));
			}
		}
		errs.addAll(validate(secret));
		return errs;
	}

	private static List<FieldError> json(Map<String, String> data, String key) {
		if (!data.containsKey(key)) {
			return List.of(FieldError.required(DATA.key(key).toString(), ""));
		}
		try {
			JSON.readTree(Base64.getDecoder().decode(str(data.get(key))));
			return List.of();
		}
		catch (JsonProcessingException | IllegalArgumentException ex) {
			return List.of(FieldError.invalid(DATA.key(key).toString(), "<secret contents redacted>",
					"invalid character in JSON"));
		}
		catch (java.io.IOException ex) {
			return List.of(FieldError.invalid(DATA.key(key).toString(), "<secret contents redacted>", ex.getMessage()));
		}
	}

}
