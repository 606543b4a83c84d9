package io.stevedore.proxy.dns;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.xbill.DNS.Rcode;

/**
 * {@code stevedore_dns_responses_total{transport,rcode}}, like CoreDNS'
 * {@code coredns_dns_responses_total}: how many answers of each kind went out, read from
 * the reply header so every path (zone, forwarded, error) counts the same way.
 */
final class DnsMetrics {

	private final Counter[][] responses = new Counter[Transport.values().length][16];

	DnsMetrics(MeterRegistry registry) {
		for (Transport transport : Transport.values()) {
			for (int rcode = 0; rcode < 16; rcode++) {
				this.responses[transport.ordinal()][rcode] = Counter.builder("stevedore.dns.responses")
					.description("DNS responses sent by the cluster DNS")
					.tag("transport", transport.name().toLowerCase(java.util.Locale.ROOT))
					.tag("rcode", Rcode.string(rcode))
					.register(registry);
			}
		}
	}

	void sent(Transport transport, byte[] reply) {
		if (reply.length >= 4) {
			this.responses[transport.ordinal()][reply[3] & 0x0F].increment();
		}
	}

}
