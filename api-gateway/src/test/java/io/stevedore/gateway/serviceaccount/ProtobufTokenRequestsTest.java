package io.stevedore.gateway.serviceaccount;

import java.util.HexFormat;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtobufTokenRequestsTest {

	/**
	 * What kubectl v1.32.4 sends for {@code create token robot --duration 11m --audience
	 * aud1 --audience aud2 --bound-object-kind Pod --bound-object-name web-0
	 * --bound-object-uid u-1} (its -v=9 request body).
	 */
	static final byte[] KUBECTL_BODY = HexFormat.of()
		.parseHex("6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e5265717565737412"
				+ "400a100a0012001a0022002a0032003800420012260a04617564310a04617564321a150a03506f641202763"
				+ "11a057765622d3022037" + "52d31209405" + "1a040a0012001a002200");

	@Test
	void kubectlsTokenRequestIsReadWithAudiencesDurationAndBoundPod() {
		TokenRequest request = ProtobufTokenRequests.read(KUBECTL_BODY);

		assertThat(request.getSpec().getAudiences()).containsExactly("aud1", "aud2");
		assertThat(request.getSpec().getExpirationSeconds()).isEqualTo(660L);
		assertThat(request.getSpec().getBoundObjectRef().getKind()).isEqualTo("Pod");
		assertThat(request.getSpec().getBoundObjectRef().getApiVersion()).isEqualTo("v1");
		assertThat(request.getSpec().getBoundObjectRef().getName()).isEqualTo("web-0");
		assertThat(request.getSpec().getBoundObjectRef().getUid()).isEqualTo("u-1");
	}

	@Test
	void aTruncatedBodyIsRefused() {
		byte[] truncated = java.util.Arrays.copyOf(KUBECTL_BODY, 60);

		assertThatThrownBy(() -> ProtobufTokenRequests.read(truncated)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("truncated");
	}

}
