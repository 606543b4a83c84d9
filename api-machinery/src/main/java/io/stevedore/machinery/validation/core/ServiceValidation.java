package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;
import static io.stevedore.machinery.validation.CommonValidation.str;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.GoValue;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;
import io.stevedore.machinery.validation.NameValidator;

/**
 * Services, as ValidateService: names are DNS-1035 labels (they become DNS names and
 * environment variables), ports are required unless headless or ExternalName, and once
 * allocated the clusterIP never changes. Allocation itself is the apiserver's.
 */
public final class ServiceValidation implements KindValidator<Service> {

	static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public NameValidator names() {
		return NameValidator.DNS1035_LABEL;
	}

	@Override
	public List<FieldError> validate(Service service) {
		ServiceSpec spec = service.getSpec() == null ? new ServiceSpec() : service.getSpec();
		List<FieldError> errs = new ArrayList<>();
		String type = str(spec.getType());
		List<String> clusterIPs = clusterIPs(spec);
		boolean headless = !clusterIPs.isEmpty() && clusterIPs.get(0).equals("None");
		List<ServicePort> ports = list(spec.getPorts());
		if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
			errs.add(FieldError.required(SPEC.child("ports").toString(), ""));
		}
		switch (type) {
			case "LoadBalancer", "NodePort" -> {
				if (headless) {
					errs.add(FieldError.invalid(SPEC.child("clusterIPs").index(0).toString(), "None",
							"may not be set to 'None' for " + type + " services"));
				}
			}
			case "ExternalName" -> errs.addAll(externalName(spec));
			default -> {
			}
		}
		Set<String> names = new HashSet<>();
		for (int i = 0; i < ports.size(); i++) {
			errs.addAll(port(ports.get(i), ports.size() > 1, names, SPEC.child("ports").index(i)));
		}
		if (spec.getSelector() != null) {
			errs.addAll(CommonValidation.labels(spec.getSelector(), SPEC.child("selector")));
		}
		errs.addAll(CommonValidation.oneOf(spec.getSessionAffinity(), SPEC.child("sessionAffinity"),
				List.of("ClientIP", "None")));
		if ("None".equals(spec.getSessionAffinity()) && spec.getSessionAffinityConfig() != null) {
			errs.add(FieldError.forbidden(SPEC.child("sessionAffinityConfig").toString(),
					"must not be set when session affinity is None"));
		}
		if (!type.equals("ExternalName")) {
			errs.addAll(clusterIPSyntax(spec, clusterIPs));
		}
		List<String> externalIPs = list(spec.getExternalIPs());
		for (int i = 0; i < externalIPs.size(); i++) {
			errs.addAll(CommonValidation.ip(externalIPs.get(i), SPEC.child("externalIPs").index(i)));
		}
		errs.addAll(CommonValidation.oneOf(spec.getType(), SPEC.child("type"), TYPES));
		errs.addAll(nodePorts(type, ports));
		errs.addAll(CommonValidation.optionalOneOf(spec.getExternalTrafficPolicy(), SPEC.child("externalTrafficPolicy"),
				List.of("Cluster", "Local")));
		errs.addAll(CommonValidation.optionalOneOf(spec.getInternalTrafficPolicy(), SPEC.child("internalTrafficPolicy"),
				List.of("Cluster", "Local")));
		errs.addAll(CommonValidation.optionalOneOf(spec.getIpFamilyPolicy(), SPEC.child("ipFamilyPolicy"),
				List.of("SingleStack", "PreferDualStack", "RequireDualStack")));
		List<String> families = list(spec.getIpFamilies());
		for (int i = 0; i < families.size(); i++) {
			errs.addAll(CommonValidation.oneOf(families.get(i), SPEC.child("ipFamilies").index(i),
					List.of("IPv4", "IPv6")));
			if (families.subList(0, i).contains(families.get(i))) {
				errs.add(FieldError.duplicate(SPEC.child("ipFamilies").index(i).toString(), families.get(i)));
			}
		}
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(Service service, Service old) {
		List<FieldError> errs = new ArrayList<>(validate(service));
		ServiceSpec spec = service.getSpec() == null ? new ServiceSpec() : service.getSpec();
		ServiceSpec oldSpec = old.getSpec() == null ? new ServiceSpec() : old.getSpec();
		// Moving to or from ExternalName releases or allocates the IP: any change is
		// fine.
		if ("ExternalName".equals(spec.getType()) || "ExternalName".equals(oldSpec.getType())) {
			return errs;
		}
		List<String> ips = clusterIPs(spec);
		List<String> oldIps = clusterIPs(oldSpec);
		// An empty clusterIP on update keeps the allocated one (the apiserver fills it
		// in).
		if (!ips.isEmpty() && !oldIps.isEmpty() && !ips.get(0).equals(oldIps.get(0))) {
			errs.add(FieldError.invalid(SPEC.child("clusterIPs").index(0).toString(), new GoValue(goStrings(ips)),
					"may not change once set"));
		}
		return errs;
	}

	/** clusterIPs, or the clusterIP alone when only that is given. */
	static List<String> clusterIPs(ServiceSpec spec) {
		List<String> ips = list(spec.getClusterIPs());
		if (ips.isEmpty() && !isEmpty(spec.getClusterIP())) {
			return List.of(spec.getClusterIP());
		}
		return ips;
	}

	private static List<FieldError> externalName(ServiceSpec spec) {
		List<FieldError> errs = new ArrayList<>();
		String why = "may not be set for ExternalName services";
		if (!clusterIPs(spec).isEmpty()) {
			errs.add(FieldError.forbidden(SPEC.child("clusterIPs").toString(), why));
		}
		if (!list(spec.getIpFamilies()).isEmpty()) {
			errs.add(FieldError.forbidden(SPEC.child("ipFamilies").toString(), why));
		}
		if (spec.getIpFamilyPolicy() != null) {
			errs.add(FieldError.forbidden(SPEC.child("ipFamilyPolicy").toString(), why));
		}
		// A trailing dot marks the CNAME fully qualified.
		String cname = str(spec.getExternalName());
		cname = cname.endsWith(".") ? cname.substring(0, cname.length() - 1) : cname;
		if (cname.isEmpty()) {
			errs.add(FieldError.required(SPEC.child("externalName").toString(), ""));
		}
		else {
			errs.addAll(CommonValidation.check(cname, SPEC.child("externalName"), NameValidation::dns1123Subdomain));
		}
		return errs;
	}

	private static List<FieldError> port(ServicePort sp, boolean requireName, Set<String> names, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (requireName && isEmpty(sp.getName())) {
			errs.add(FieldError.required(path.child("name").toString(), ""));
		}
		else if (!isEmpty(sp.getName())) {
			errs.addAll(CommonValidation.check(sp.getName(), path.child("name"), NameValidation::dns1123Label));
			if (!names.add(sp.getName())) {
				errs.add(FieldError.duplicate(path.child("name").toString(), sp.getName()));
			}
		}
		errs.addAll(CommonValidation.portNumber(sp.getPort(), path.child("port")));
		errs.addAll(CommonValidation.oneOf(sp.getProtocol(), path.child("protocol"), ContainerValidation.PROTOCOLS));
		if (sp.getTargetPort() != null) {
			errs.addAll(CommonValidation.portNumOrName(sp.getTargetPort(), path.child("targetPort")));
		}
		if (sp.getNodePort() != null && sp.getNodePort() != 0) {
			errs.addAll(CommonValidation.portNumber(sp.getNodePort(), path.child("nodePort")));
		}
		return errs;
	}

	private static List<FieldError> clusterIPSyntax(ServiceSpec spec, List<String> ips) {
		List<FieldError> errs = new ArrayList<>();
		FieldPath path = SPEC.child("clusterIPs");
		if (!list(spec.getClusterIPs()).isEmpty() && !isEmpty(spec.getClusterIP())
				&& !spec.getClusterIP().equals(spec.getClusterIPs().get(0))) {
			errs.add(FieldError.invalid(path.toString(), new GoValue(goStrings(ips)),
					"first value must match `clusterIP`"));
		}
		for (int i = 0; i < ips.size(); i++) {
			if (i == 0 && ips.get(0).equals("None")) {
				if (ips.size() > 1) {
					errs.add(FieldError.invalid(path.toString(), new GoValue(goStrings(ips)),
							"'None' must be the first and only value"));
				}
				continue;
			}
			errs.addAll(CommonValidation.ip(ips.get(i), path.index(i)));
		}
		return errs;
	}

	/**
	 * NodePorts only where a Service has them, and no two ports on one (protocol, port).
	 */
	private static List<FieldError> nodePorts(String type, List<ServicePort> ports) {
		List<FieldError> errs = new ArrayList<>();
		Set<String> nodePorts = new HashSet<>();
		Set<String> servicePorts = new HashSet<>();
		for (int i = 0; i < ports.size(); i++) {
			ServicePort p = ports.get(i);
			FieldPath path = SPEC.child("ports").index(i);
			Integer nodePort = p.getNodePort();
			if (nodePort != null && nodePort != 0) {
				if (type.equals("ClusterIP")) {
					errs.add(FieldError.forbidden(path.child("nodePort").toString(),
							"may not be used when `type` is 'ClusterIP'"));
				}
				if (!nodePorts.add(str(p.getProtocol()) + "/" + nodePort)) {
					errs.add(FieldError.duplicate(path.child("nodePort").toString(), nodePort));
				}
			}
			if (!servicePorts.add(str(p.getProtocol()) + "/" + p.getPort())) {
				errs.add(FieldError.duplicate(path.toString(),
						new GoValue("core.ServicePort{Name:\"\", Protocol:\"" + str(p.getProtocol())
								+ "\", AppProtocol:(*string)(nil), Port:" + p.getPort()
								+ ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}")));
			}
		}
		return errs;
	}

	private static String goStrings(List<String> values) {
		StringBuilder sb = new StringBuilder("[]string{");
		for (int i = 0; i < values.size(); i++) {
			sb.append(i > 0 ? ", " : "").append('"').append(values.get(i)).append('"');
		}
		return sb.append('}').toString();
	}

}
