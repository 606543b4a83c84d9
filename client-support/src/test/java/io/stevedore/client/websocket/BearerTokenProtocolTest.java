package io.stevedore.client.websocket;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class BearerTokenProtocolTest {

	/** A token whose base64 has '+', '/' and a pad ("Pj4+Pz8/YWI="). */
	private static final String TOKEN = ">>>???ab";

	@Test
	void theTokenIsUnpaddedBase64urlAfterThePrefix() {
		String protocol = BearerTokenProtocol.of(TOKEN);

		assertThat(protocol).isEqualTo("base64url.bearer.authorization.k8s.io.Pj4-Pz8_YWI");
	}

	@Test
	void aValidTokenIsReadAndTakenOutOfTheOffer() {
		BearerTokenProtocol.Offer offer = BearerTokenProtocol
			.parse(List.of("v5.channel.k8s.io, " + BearerTokenProtocol.of(TOKEN) + ",v4.channel.k8s.io"));

		assertThat(offer.error()).isNull();
		assertThat(offer.token()).isEqualTo(TOKEN);
		assertThat(offer.carried()).isTrue();
		assertThat(offer.protocols()).containsExactly("v5.channel.k8s.io", "v4.channel.k8s.io");
		assertThat(offer.header()).isEqualTo("v5.channel.k8s.io, v4.channel.k8s.io");
	}

	@Test
	void protocolsMaySpanSeveralHeaderLines() {
		BearerTokenProtocol.Offer offer = BearerTokenProtocol
			.parse(List.of(BearerTokenProtocol.of("abc"), "v5.channel.k8s.io", "channel.k8s.io"));

		assertThat(offer.token()).isEqualTo("abc");
		assertThat(offer.protocols()).containsExactly("v5.channel.k8s.io", "channel.k8s.io");
	}

	@Test
	void withoutATokenProtocolTheOfferIsLeftAlone() {
		BearerTokenProtocol.Offer offer = BearerTokenProtocol.parse(List.of("v5.channel.k8s.io, v4.channel.k8s.io"));

		assertThat(offer.token()).isNull();
		assertThat(offer.carried()).isFalse();
		assertThat(offer.error()).isNull();
		assertThat(offer.protocols()).containsExactly("v5.channel.k8s.io", "v4.channel.k8s.io");
	}

	@ParameterizedTest(name = "padding or a character outside base64url is refused: {0}")
	@ValueSource(strings = { "YWJj=", "YWI=", "YW==", "YW+j", "YW/j", "YW j", "YW.j", "YW%3D", "Y" })
	void badEncodingsAreRefusedWithoutEchoingTheToken(String encoded) {
		BearerTokenProtocol.Offer offer = BearerTokenProtocol
			.parse(List.of("v5.channel.k8s.io, " + BearerTokenProtocol.PREFIX + encoded));

		assertThat(offer.error()).isEqualTo("invalid base64.bearer.authorization token encoding");
		assertThat(offer.token()).isNull();
		assertThat(offer.carried()).isTrue();
		assertThat(offer.protocols()).containsExactly("v5.channel.k8s.io");
	}

	@Test
	void bytesThatAreNotUtf8AreRefused() {
		// 0xff 0xfe
		BearerTokenProtocol.Offer offer = BearerTokenProtocol
			.parse(List.of("v5.channel.k8s.io", BearerTokenProtocol.PREFIX + "__4"));

		assertThat(offer.error()).isEqualTo("invalid base64.bearer.authorization token");
		assertThat(offer.token()).isNull();
	}

	@Test
	void twoTokenProtocolsAreRefused() {
		BearerTokenProtocol.Offer offer = BearerTokenProtocol
			.parse(List.of("v5.channel.k8s.io", BearerTokenProtocol.of("one") + ", " + BearerTokenProtocol.of("two")));

		assertThat(offer.error()).isEqualTo("multiple base64.bearer.authorization tokens specified");
		assertThat(offer.token()).isNull();
	}

	@Test
	void aTokenAloneIsRefusedForThereIsNothingToAnswerWith() {
		BearerTokenProtocol.Offer offer = BearerTokenProtocol.parse(List.of(BearerTokenProtocol.of("abc")));

		assertThat(offer.error()).isEqualTo("missing additional subprotocol");
		assertThat(offer.token()).isNull();
		assertThat(offer.header()).isNull();
	}

	@Test
	void anEmptyTokenIsNoTokenButIsStillTakenOut() {
		BearerTokenProtocol.Offer offer = BearerTokenProtocol
			.parse(List.of("v5.channel.k8s.io, " + BearerTokenProtocol.PREFIX));

		assertThat(offer.error()).isNull();
		assertThat(offer.token()).isNull();
		assertThat(offer.carried()).isTrue();
		assertThat(offer.header()).isEqualTo("v5.channel.k8s.io");
	}

	@Test
	void onlyAWebSocketUpgradeCounts() {
		assertThat(BearerTokenProtocol.isWebSocketUpgrade(List.of("Upgrade"), "websocket")).isTrue();
		assertThat(BearerTokenProtocol.isWebSocketUpgrade(List.of("keep-alive, Upgrade"), "WebSocket")).isTrue();
		assertThat(BearerTokenProtocol.isWebSocketUpgrade(List.of("Upgrade"), "SPDY/3.1")).isFalse();
		assertThat(BearerTokenProtocol.isWebSocketUpgrade(List.of("keep-alive"), "websocket")).isFalse();
		assertThat(BearerTokenProtocol.isWebSocketUpgrade(List.of(), null)).isFalse();
	}

}
