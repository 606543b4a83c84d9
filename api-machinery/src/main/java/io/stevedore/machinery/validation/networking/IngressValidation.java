package io.stevedore.machinery.validation.networking;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.GoValue;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;

/**
 * Ingresses: rules or a default backend; hosts are DNS names (a leading {@code *.}
 * allowed), paths have a pathType and are absolute, each backend names exactly one of a
 * Service (by DNS-1035 name, with a port name or number) or a resource.
 */
public final class IngressValidation implements KindValidator<Ingress> {

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public List<FieldError> validate(Ingress ingress) {
		List<FieldError> errs = new ArrayList<>();
		IngressSpec spec = ingress.getSpec() == null ? new IngressSpec() : ingress.getSpec();
		List<IngressRule> rules = list(spec.getRules());
		if (rules.isEmpty() && spec.getDefaultBackend() == null) {
			errs.add(FieldError.invalid(SPEC.toString(), new GoValue("[]networking.IngressRule(nil)"),
					"either `defaultBackend` or `rules` must be specified"));
		}
		if (spec.getDefaultBackend() != null) {
			errs.addAll(backend(spec.getDefaultBackend(), SPEC.child("defaultBackend")));
		}
		for (int i = 0; i < rules.size(); i++) {
			errs.addAll(rule(rules.get(i), SPEC.child("rules").index(i)));
		}
		if (spec.getIngressClassName() != null) {
			errs.addAll(CommonValidation.check(spec.getIngressClassName(), SPEC.child("ingressClassName"),
					NameValidation::dns1123Subdomain));
		}
		return errs;
	}

	private static List<FieldError> rule(IngressRule rule, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		String host = rule.getHost();
		if (!isEmpty(host)) {
			if (CommonValidation.isIp(host)) {
				errs.add(FieldError.invalid(path.child("host").toString(), host,
						"must be a DNS name, not an IP address"));
			}
			else if (host.startsWith("*.")) {
				errs.addAll(CommonValidation.check(host.substring(2), path.child("host"),
						NameValidation::dns1123Subdomain));
			}
			else {
				errs.addAll(CommonValidation.check(host, path.child("host"), NameValidation::dns1123Subdomain));
			}
		}
		if (rule.getHttp() != null) {
			List<HTTPIngressPath> paths = list(rule.getHttp().getPaths());
			FieldPath pathsPath = path.child("http", "paths");
			if (paths.isEmpty()) {
				errs.add(FieldError.required(pathsPath.toString(), ""));
			}
			for (int i = 0; i < paths.size(); i++) {
				errs.addAll(httpPath(paths.get(i), pathsPath.index(i)));
			}
		}
		return errs;
	}

	private static List<FieldError> httpPath(HTTPIngressPath p, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		String type = p.getPathType();
		if (isEmpty(type)) {
			errs.add(FieldError.required(path.child("pathType").toString(), "pathType must be specified"));
		}
		else if (!List.of("Exact", "Prefix", "ImplementationSpecific").contains(type)) {
			errs.add(FieldError.notSupported(path.child("pathType").toString(), type,
					List.of("Exact", "ImplementationSpecific", "Prefix")));
		}
		else if (!type.equals("ImplementationSpecific") && !CommonValidation.str(p.getPath()).startsWith("/")) {
			errs.add(FieldError.invalid(path.child("path").toString(), CommonValidation.str(p.getPath()),
					"must be an absolute path"));
		}
		if (p.getBackend() == null) {
			errs.add(FieldError.invalid(path.child("backend").toString(), "", "must specify a resource or service"));
		}
		else {
			errs.addAll(backend(p.getBackend(), path.child("backend")));
		}
		return errs;
	}

	private static List<FieldError> backend(IngressBackend backend, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (backend.getService() != null && backend.getResource() != null) {
			errs.add(FieldError.invalid(path.toString(), "", "cannot set both resource and service backends"));
			return errs;
		}
		if (backend.getService() == null && backend.getResource() == null) {
			errs.add(FieldError.invalid(path.toString(), "", "must specify a resource or service"));
			return errs;
		}
		if (backend.getService() != null) {
			FieldPath svc = path.child("service");
			errs.addAll(CommonValidation.required(backend.getService().getName(), svc.child("name"),
					NameValidation::dns1035Label));
			var port = backend.getService().getPort();
			boolean hasName = port != null && !isEmpty(port.getName());
			boolean hasNumber = port != null && port.getNumber() != null && port.getNumber() != 0;
			if (hasName && hasNumber) {
				errs.add(FieldError.invalid(svc.child("port").toString(), "",
						"cannot set both port name & port number"));
			}
			else if (hasName) {
				errs.addAll(
						CommonValidation.check(port.getName(), svc.child("port", "name"), NameValidation::ianaSvcName));
			}
			else if (hasNumber) {
				errs.addAll(CommonValidation.portNumber(port.getNumber(), svc.child("port", "number")));
			}
			else {
				errs.add(FieldError.required(svc.child("port").toString(), "port name or number is required"));
			}
		}
		return errs;
	}

}
