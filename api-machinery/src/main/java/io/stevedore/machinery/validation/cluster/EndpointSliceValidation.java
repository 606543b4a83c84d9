package io.stevedore.machinery.validation.cluster;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;

/**
 * EndpointSlices: addresses of the slice's addressType, at most 1000 endpoints, named
 * ports.
 */
public final class EndpointSliceValidation implements KindValidator<EndpointSlice> {

	static final int MAX_ENDPOINTS = 1000;

	private static final List<String> ADDRESS_TYPES = List.of("IPv4", "IPv6", "FQDN");

	@Override
	public List<FieldError> validate(EndpointSlice slice) {
		List<FieldError> errs = new ArrayList<>();
		String type = slice.getAddressType();
		errs.addAll(CommonValidation.oneOf(type, FieldPath.root("addressType"), ADDRESS_TYPES));
		List<Endpoint> endpoints = list(slice.getEndpoints());
		FieldPath path = FieldPath.root("endpoints");
		if (endpoints.size() > MAX_ENDPOINTS) {
			errs.add(FieldError.invalid(path.toString(), endpoints.size(),
					"must have at most " + MAX_ENDPOINTS + " items"));
		}
		for (int i = 0; i < endpoints.size(); i++) {
			Endpoint ep = endpoints.get(i);
			FieldPath p = path.index(i);
			List<String> addresses = list(ep.getAddresses());
			if (addresses.isEmpty()) {
				errs.add(FieldError.required(p.child("addresses").toString(), "must contain at least 1 address"));
			}
			for (int j = 0; j < addresses.size(); j++) {
				errs.addAll(address(addresses.get(j), CommonValidation.str(type), p.child("addresses").index(j)));
			}
			if (ep.getNodeName() != null) {
				errs.addAll(CommonValidation.check(ep.getNodeName(), p.child("nodeName"),
						NameValidation::dns1123Subdomain));
			}
			if (ep.getHostname() != null) {
				errs.addAll(
						CommonValidation.check(ep.getHostname(), p.child("hostname"), NameValidation::dns1123Label));
			}
		}
		List<EndpointPort> ports = list(slice.getPorts());
		Set<String> names = new HashSet<>();
		for (int i = 0; i < ports.size(); i++) {
			EndpointPort port = ports.get(i);
			FieldPath p = FieldPath.root("ports").index(i);
			String name = CommonValidation.str(port.getName());
			if (!name.isEmpty()) {
				errs.addAll(CommonValidation.check(name, p.child("name"), NameValidation::dns1123Label));
			}
			if (!names.add(name)) {
				errs.add(FieldError.duplicate(p.child("name").toString(), name));
			}
			if (port.getPort() != null) {
				errs.addAll(CommonValidation.portNumber(port.getPort(), p.child("port")));
			}
			errs.addAll(CommonValidation.optionalOneOf(port.getProtocol(), p.child("protocol"),
					List.of("SCTP", "TCP", "UDP")));
		}
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(EndpointSlice slice, EndpointSlice old) {
		List<FieldError> errs = new ArrayList<>(validate(slice));
		errs.addAll(CommonValidation.immutable(slice.getAddressType(), old.getAddressType(),
				FieldPath.root("addressType")));
		return errs;
	}

	private static List<FieldError> address(String address, String type, FieldPath path) {
		return switch (type) {
			case "IPv4" -> CommonValidation.isIpv4(address) ? List.of()
					: List.of(FieldError.invalid(path.toString(), address, "must be a valid IPv4 address"));
			case "IPv6" -> CommonValidation.isIpv6(address) && !isEmpty(address) ? List.of()
					: List.of(FieldError.invalid(path.toString(), address, "must be a valid IPv6 address"));
			case "FQDN" -> CommonValidation.check(address, path, NameValidation::dns1123Subdomain);
			default -> List.of();
		};
	}

}
