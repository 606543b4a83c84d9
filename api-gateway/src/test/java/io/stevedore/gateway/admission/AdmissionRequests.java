package io.stevedore.gateway.admission;

import java.util.ArrayList;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.gateway.authn.UserInfo;

/** Attributes of writes for plugin tests. */
public final class AdmissionRequests {

	public static final UserInfo USER = UserInfo.of("jane", java.util.List.of("system:authenticated"));

	private AdmissionRequests() {
	}

	/**
	 * A CREATE of {@code object} in its namespace; {@code resource} as "group/plural".
	 */
	public static AdmissionAttributes create(String resource, HasMetadata object) {
		return of(AdmissionAttributes.CREATE, resource, "", object, null);
	}

	public static AdmissionAttributes update(String resource, HasMetadata object, HasMetadata oldObject) {
		return of(AdmissionAttributes.UPDATE, resource, "", object, oldObject);
	}

	public static AdmissionAttributes of(String operation, String resource, String subresource, HasMetadata object,
			HasMetadata oldObject) {
		int slash = resource.indexOf('/');
		String group = resource.substring(0, slash);
		HasMetadata named = object != null ? object : oldObject;
		String namespace = named.getMetadata().getNamespace();
		return new AdmissionAttributes(operation, group, "v1", resource.substring(slash + 1), subresource, namespace,
				named.getMetadata().getName(), object, oldObject, false, USER, new ArrayList<>());
	}

}
