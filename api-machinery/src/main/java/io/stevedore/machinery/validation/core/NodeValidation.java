package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;
import static io.stevedore.machinery.validation.CommonValidation.map;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Taint;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;

/** Nodes: taints, pod CIDRs, and capacity quantities; podCIDR never changes once set. */
public final class NodeValidation implements KindValidator<Node> {

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public List<FieldError> validate(Node node) {
		List<FieldError> errs = new ArrayList<>();
		if (node.getSpec() != null) {
			errs.addAll(taints(list(node.getSpec().getTaints()), SPEC.child("taints")));
			List<String> cidrs = list(node.getSpec().getPodCIDRs());
			for (int i = 0; i < cidrs.size(); i++) {
				errs.addAll(cidr(cidrs.get(i), SPEC.child("podCIDRs").index(i)));
			}
		}
		errs.addAll(status(node));
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(Node node, Node old) {
		List<FieldError> errs = new ArrayList<>(validate(node));
		String cidr = node.getSpec() == null ? null : node.getSpec().getPodCIDR();
		String oldCidr = old.getSpec() == null ? null : old.getSpec().getPodCIDR();
		if (!isEmpty(oldCidr) && !oldCidr.equals(cidr)) {
			errs.add(FieldError.forbidden(SPEC.child("podCIDR").toString(),
					"node updates may not change podCIDR except from \"\" to valid"));
		}
		return errs;
	}

	@Override
	public List<FieldError> validateStatusUpdate(Node node, Node old) {
		return status(node);
	}

	private static List<FieldError> status(Node node) {
		List<FieldError> errs = new ArrayList<>();
		if (node.getStatus() == null) {
			return errs;
		}
		FieldPath status = FieldPath.root("status");
		for (Map.Entry<String, io.fabric8.kubernetes.api.model.Quantity> e : map(node.getStatus().getCapacity())
			.entrySet()) {
			errs.addAll(CommonValidation.quantity(e.getValue(), status.child("capacity").key(e.getKey()), false));
		}
		for (Map.Entry<String, io.fabric8.kubernetes.api.model.Quantity> e : map(node.getStatus().getAllocatable())
			.entrySet()) {
			errs.addAll(CommonValidation.quantity(e.getValue(), status.child("allocatable").key(e.getKey()), false));
		}
		List<NodeAddress> addresses = list(node.getStatus().getAddresses());
		for (int i = 0; i < addresses.size(); i++) {
			if (isEmpty(addresses.get(i).getType())) {
				errs.add(FieldError.required(status.child("addresses").index(i).child("type").toString(), ""));
			}
		}
		return errs;
	}

	static List<FieldError> taints(List<Taint> taints, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < taints.size(); i++) {
			Taint t = taints.get(i);
			FieldPath p = path.index(i);
			errs.addAll(CommonValidation.required(t.getKey(), p.child("key"), NameValidation::qualifiedName));
			if (!isEmpty(t.getValue())) {
				errs.addAll(CommonValidation.check(t.getValue(), p.child("value"), NameValidation::labelValue));
			}
			errs.addAll(CommonValidation.oneOf(t.getEffect(), p.child("effect"), TolerationValidation.EFFECTS));
			if (!seen.add(t.getKey() + ":" + t.getEffect())) {
				errs.add(FieldError.duplicate(p.toString(), new io.stevedore.machinery.validation.GoValue(
						t.getKey() + "=" + CommonValidation.str(t.getValue()) + ":" + t.getEffect())));
			}
		}
		return errs;
	}

	private static List<FieldError> cidr(String cidr, FieldPath path) {
		int slash = cidr.indexOf('/');
		boolean ok = slash > 0 && CommonValidation.isIp(cidr.substring(0, slash));
		if (ok) {
			try {
				int bits = Integer.parseInt(cidr.substring(slash + 1));
				ok = bits >= 0 && bits <= (cidr.contains(":") ? 128 : 32);
			}
			catch (NumberFormatException ex) {
				ok = false;
			}
		}
		return ok ? List.of() : List.of(FieldError.invalid(path.toString(), cidr,
				"must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
	}

}
