package io.stevedore.controller.certificates;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The subject alternative names a PKCS#10 request asks for (its extensionRequest
 * attribute), sorted the way Go's x509 sorts them for the signers' checks: DNS names, IP
 * addresses, email addresses, URIs; any other kind of name counts as {@code other}.
 */
record SubjectAltNames(List<String> dnsNames, List<String> ipAddresses, List<String> emailAddresses, List<String> uris,
		int other) {

	static SubjectAltNames of(PKCS10CertificationRequest request) {
		List<String> dns = new ArrayList<>();
		List<String> ips = new ArrayList<>();
		List<String> emails = new ArrayList<>();
		List<String> uris = new ArrayList<>();
		int other = 0;
		for (GeneralName name : names(request)) {
			switch (name.getTagNo()) {
				case GeneralName.dNSName -> dns.add(name.getName().toString());
				case GeneralName.iPAddress -> ips.add(ipAddress(name));
				case GeneralName.rfc822Name -> emails.add(name.getName().toString());
				case GeneralName.uniformResourceIdentifier -> uris.add(name.getName().toString());
				default -> other++;
			}
		}
		return new SubjectAltNames(List.copyOf(dns), List.copyOf(ips), List.copyOf(emails), List.copyOf(uris), other);
	}

	/**
	 * The request's subjectAltName extension, to copy into the certificate; null if none.
	 */
	static Extension extension(PKCS10CertificationRequest request) {
		for (var attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
			Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
			Extension san = extensions.getExtension(Extension.subjectAlternativeName);
			if (san != null) {
				return san;
			}
		}
		return null;
	}

	boolean isEmpty() {
		return this.dnsNames.isEmpty() && this.ipAddresses.isEmpty() && this.emailAddresses.isEmpty()
				&& this.uris.isEmpty() && this.other == 0;
	}

	/**
	 * An IP address name as text ({@code 10.0.0.1}, {@code fd00::1}); BouncyCastle's own
	 * text for it is the octets in hex.
	 */
	private static String ipAddress(GeneralName name) {
		byte[] octets = ASN1OctetString.getInstance(name.getName()).getOctets();
		try {
			return InetAddress.getByAddress(octets).getHostAddress();
		}
		catch (UnknownHostException ex) {
			// Neither 4 nor 16 octets: kept as BouncyCastle shows it, matching no
			// address.
			return name.getName().toString();
		}
	}

	private static GeneralName[] names(PKCS10CertificationRequest request) {
		Extension san = extension(request);
		return san == null ? new GeneralName[0] : GeneralNames.getInstance(san.getParsedValue()).getNames();
	}

}
