package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;

/** Endpoints: addresses are IPs, ports are named when there are several. */
public final class EndpointsValidation implements KindValidator<Endpoints> {

	@Override
	public List<FieldError> validate(Endpoints ep) {
		List<FieldError> errs = new ArrayList<>();
		List<EndpointSubset> subsets = list(ep.getSubsets());
		for (int i = 0; i < subsets.size(); i++) {
			FieldPath p = FieldPath.root("subsets").index(i);
			EndpointSubset ss = subsets.get(i);
			if (list(ss.getAddresses()).isEmpty() && list(ss.getNotReadyAddresses()).isEmpty()) {
				errs.add(FieldError.required(p.toString(), "must specify `addresses` or `notReadyAddresses`"));
			}
			errs.addAll(addresses(list(ss.getAddresses()), p.child("addresses")));
			errs.addAll(addresses(list(ss.getNotReadyAddresses()), p.child("notReadyAddresses")));
			List<EndpointPort> ports = list(ss.getPorts());
			for (int j = 0; j < ports.size(); j++) {
				errs.addAll(port(ports.get(j), ports.size() > 1, p.child("ports").index(j)));
			}
		}
		return errs;
	}

	private static List<FieldError> addresses(List<EndpointAddress> addresses, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		for (int i = 0; i < addresses.size(); i++) {
			EndpointAddress a = addresses.get(i);
			errs.addAll(CommonValidation.ip(a.getIp(), path.index(i).child("ip")));
			if (!isEmpty(a.getHostname())) {
				errs.addAll(CommonValidation.check(a.getHostname(), path.index(i).child("hostname"),
						NameValidation::dns1123Label));
			}
		}
		return errs;
	}

	private static List<FieldError> port(EndpointPort port, boolean requireName, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (requireName && isEmpty(port.getName())) {
			errs.add(FieldError.required(path.child("name").toString(), ""));
		}
		else if (!isEmpty(port.getName())) {
			errs.addAll(CommonValidation.check(port.getName(), path.child("name"), NameValidation::dns1123Label));
		}
		errs.addAll(CommonValidation.portNumber(port.getPort(), path.child("port")));
		errs.addAll(CommonValidation.oneOf(port.getProtocol(), path.child("protocol"), ContainerValidation.PROTOCOLS));
		return errs;
	}

}
