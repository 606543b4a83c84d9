package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;
import static io.stevedore.machinery.validation.CommonValidation.nonNegative;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;

/**
 * Liveness, readiness and startup probes: exactly one handler, non-negative timings, and
 * successThreshold 1 where only one success makes sense.
 */
public final class ProbeValidation {

	private static final String MORE_THAN_ONE = "may not specify more than 1 handler type";

	private ProbeValidation() {
	}

	public static List<FieldError> liveness(Probe probe, FieldPath path) {
		return mustSucceedOnce(probe, path);
	}

	public static List<FieldError> startup(Probe probe, FieldPath path) {
		return mustSucceedOnce(probe, path);
	}

	public static List<FieldError> readiness(Probe probe, FieldPath path) {
		List<FieldError> errs = new ArrayList<>(probe(probe, path));
		if (probe != null && probe.getTerminationGracePeriodSeconds() != null) {
			errs.add(FieldError.invalid(path.child("terminationGracePeriodSeconds").toString(),
					probe.getTerminationGracePeriodSeconds(), "must not be set for readinessProbes"));
		}
		return errs;
	}

	private static List<FieldError> mustSucceedOnce(Probe probe, FieldPath path) {
		List<FieldError> errs = new ArrayList<>(probe(probe, path));
		if (probe != null) {
			int success = probe.getSuccessThreshold() == null ? 0 : probe.getSuccessThreshold();
			if (success != 1) {
				errs.add(FieldError.invalid(path.child("successThreshold").toString(), success, "must be 1"));
			}
		}
		return errs;
	}

	static List<FieldError> probe(Probe probe, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (probe == null) {
			return errs;
		}
		int handlers = 0;
		if (probe.getExec() != null) {
			handlers++;
			if (list(probe.getExec().getCommand()).isEmpty()) {
				errs.add(FieldError.required(path.child("exec", "command").toString(), ""));
			}
		}
		if (probe.getHttpGet() != null) {
			if (handlers++ > 0) {
				errs.add(FieldError.forbidden(path.child("httpGet").toString(), MORE_THAN_ONE));
			}
			else {
				errs.addAll(httpGet(probe.getHttpGet(), path.child("httpGet")));
			}
		}
		if (probe.getTcpSocket() != null) {
			if (handlers++ > 0) {
				errs.add(FieldError.forbidden(path.child("tcpSocket").toString(), MORE_THAN_ONE));
			}
			else {
				errs.addAll(CommonValidation.portNumOrName(probe.getTcpSocket().getPort(),
						path.child("tcpSocket", "port")));
			}
		}
		if (probe.getGrpc() != null) {
			if (handlers++ > 0) {
				errs.add(FieldError.forbidden(path.child("grpc").toString(), MORE_THAN_ONE));
			}
			else {
				errs.addAll(CommonValidation.portNumber(probe.getGrpc().getPort(), path.child("grpc", "port")));
			}
		}
		if (handlers == 0) {
			errs.add(FieldError.required(path.toString(), "must specify a handler type"));
		}
		errs.addAll(nonNegative(probe.getInitialDelaySeconds(), path.child("initialDelaySeconds")));
		errs.addAll(nonNegative(probe.getTimeoutSeconds(), path.child("timeoutSeconds")));
		errs.addAll(nonNegative(probe.getPeriodSeconds(), path.child("periodSeconds")));
		errs.addAll(nonNegative(probe.getSuccessThreshold(), path.child("successThreshold")));
		errs.addAll(nonNegative(probe.getFailureThreshold(), path.child("failureThreshold")));
		if (probe.getTerminationGracePeriodSeconds() != null && probe.getTerminationGracePeriodSeconds() <= 0) {
			errs.add(FieldError.invalid(path.child("terminationGracePeriodSeconds").toString(),
					probe.getTerminationGracePeriodSeconds(), "must be greater than 0"));
		}
		return errs;
	}

	static List<FieldError> httpGet(HTTPGetAction http, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (isEmpty(http.getPath())) {
			errs.add(FieldError.required(path.child("path").toString(), ""));
		}
		errs.addAll(CommonValidation.portNumOrName(http.getPort(), path.child("port")));
		String scheme = CommonValidation.str(http.getScheme());
		if (!scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
			errs.add(FieldError.notSupported(path.child("scheme").toString(), scheme, List.of("HTTP", "HTTPS")));
		}
		return errs;
	}

}
