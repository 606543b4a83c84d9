package io.stevedore.proxy.dns;

import java.util.List;

import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * What the cluster zone says about one question. NOERROR with no answers is NODATA (the
 * name exists, not with that type); both negative kinds get the zone's SOA as authority.
 *
 * @param rcode NOERROR or NXDOMAIN
 * @param answers the answer section
 * @param additional glue: the addresses of SRV and NS targets
 * @param cnameTarget where a CNAME answer (ExternalName) points, for the resolver to
 * follow; null otherwise
 */
record ZoneAnswer(int rcode, List<Record> answers, List<Record> additional, Name cnameTarget) {

	static final ZoneAnswer NXDOMAIN = new ZoneAnswer(Rcode.NXDOMAIN, List.of(), List.of(), null);

	static final ZoneAnswer NODATA = new ZoneAnswer(Rcode.NOERROR, List.of(), List.of(), null);

	static ZoneAnswer of(List<Record> answers) {
		return answers.isEmpty() ? NODATA : new ZoneAnswer(Rcode.NOERROR, answers, List.of(), null);
	}

	static ZoneAnswer of(List<Record> answers, List<Record> additional) {
		return answers.isEmpty() ? NODATA : new ZoneAnswer(Rcode.NOERROR, answers, additional, null);
	}

	boolean negative() {
		return this.rcode == Rcode.NXDOMAIN || this.answers.isEmpty();
	}

}
