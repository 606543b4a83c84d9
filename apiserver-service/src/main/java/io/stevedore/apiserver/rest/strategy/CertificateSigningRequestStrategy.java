package io.stevedore.apiserver.rest.strategy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.stevedore.apiserver.admission.AdmissionUser;

/**
 * CertificateSigningRequests as kube-apiserver's certificates strategy writes them: the
 * requester's identity fills spec.username/uid/groups/extra on create (what the client
 * sent there is ignored), the spec never changes afterwards, {@code /status} may not
 * touch the Approved/Denied conditions and {@code /approval} may touch nothing else.
 * Condition timestamps the writer left empty are filled in.
 */
final class CertificateSigningRequestStrategy implements ResourceStrategy {

	private static final List<String> DECISIONS = List.of("Approved", "Denied");

	@Override
	public void prepareForCreate(HasMetadata object, Instant now, AdmissionUser user) {
		CertificateSigningRequest csr = (CertificateSigningRequest) object;
		if (csr.getSpec() == null) {
			return;
		}
		csr.getSpec().setUsername(user.name());
		csr.getSpec().setUid(user.uid().isEmpty() ? null : user.uid());
		csr.getSpec().setGroups(user.groups().isEmpty() ? null : new ArrayList<>(user.groups()));
		Map<String, List<String>> extra = new LinkedHashMap<>(user.extra());
		csr.getSpec().setExtra(extra.isEmpty() ? null : extra);
	}

	@Override
	public void prepareForUpdate(HasMetadata object, HasMetadata old) {
		((CertificateSigningRequest) object).setSpec(((CertificateSigningRequest) old).getSpec());
	}

	@Override
	public void prepareForSubresourceUpdate(String subresource, HasMetadata object, HasMetadata old) {
		CertificateSigningRequest csr = (CertificateSigningRequest) object;
		CertificateSigningRequestStatus before = ((CertificateSigningRequest) old).getStatus();
		if (csr.getStatus() == null) {
			csr.setStatus(new CertificateSigningRequestStatus());
		}
		List<CertificateSigningRequestCondition> oldConditions = before == null || before.getConditions() == null
				? List.of() : before.getConditions();
		List<CertificateSigningRequestCondition> conditions = csr.getStatus().getConditions() == null
				? new ArrayList<>() : new ArrayList<>(csr.getStatus().getConditions());
		if (subresource.equals("approval")) {
			// Only the conditions are the approver's: the certificate stays as it was.
			csr.getStatus().setCertificate(before == null ? null : before.getCertificate());
		}
		else if (subresource.equals("status")) {
			// The signer may not approve or deny: decisions stay as stored.
			conditions.removeIf(c -> DECISIONS.contains(c.getType()));
			oldConditions.stream().filter(c -> DECISIONS.contains(c.getType())).forEach(conditions::add);
		}
		String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
		for (CertificateSigningRequestCondition c : conditions) {
			if (c.getLastUpdateTime() == null || c.getLastUpdateTime().isEmpty()) {
				c.setLastUpdateTime(now);
			}
			if (c.getLastTransitionTime() == null || c.getLastTransitionTime().isEmpty()) {
				c.setLastTransitionTime(oldConditions.stream()
					.filter(o -> Objects.equals(o.getType(), c.getType())
							&& Objects.equals(o.getStatus(), c.getStatus()))
					.map(CertificateSigningRequestCondition::getLastTransitionTime)
					.findFirst()
					.orElse(now));
			}
		}
		csr.getStatus().setConditions(conditions.isEmpty() ? null : conditions);
	}

}
